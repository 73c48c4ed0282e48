from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class BasePage(Page):
    """What every public page has: a summary, a canonical address and breadcrumbs."""

    summary = models.TextField(
        max_length=400,
        help_text="One or two plain sentences shown in lists of pages and to search engines.",
    )

    content_panels = Page.content_panels + [FieldPanel("summary")]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    class Meta:
        abstract = True

    def canonical_url(self, request):
        # From the request's checked host (ALLOWED_HOSTS), so it is right behind any domain.
        return request.build_absolute_uri(self.get_url(request))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["canonical_url"] = self.canonical_url(request)
        context["breadcrumbs"] = self.breadcrumbs(request)
        return context

    def breadcrumbs(self, request):
        """(title, address) of the live pages above this one, home first.

        Walks up through get_parent(), which Wagtail's routing has already filled in while it
        found this page, so a served page's trail costs no query. The site's top page is "Home"
        in every trail, whatever its title.
        """
        trail, page = [], self.get_parent() if self.depth > 2 else None
        while page is not None:
            if page.live:
                trail.append(("Home" if page.depth == 2 else page.title, page.get_url(request)))
            page = page.get_parent() if page.depth > 2 else None
        return trail[::-1]

    def get_sitemap_urls(self, request=None):
        return [{"location": self.canonical_url(request), "lastmod": self.last_published_at}]
