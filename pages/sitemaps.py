"""/sitemap.xml: every live, public page in every language, each with its hreflang alternates."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class SiteSitemap(Sitemap):
    def items(self):
        # Wagtail's own lists the site's home page and what is below it: the English tree only.
        # The Spanish home page is a sibling of the English one, so each language's tree is listed.
        homes = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        below_a_home = Q()
        for home in homes:
            below_a_home |= Q(path__startswith=home.path)
        return Page.objects.filter(below_a_home).live().public().order_by("path").defer_streamfields().specific()
