"""Finding the page for an address in as few queries as possible when the page cache cannot help.

On a page-cache miss (an editor reading a live page, the first reader after a publish) Wagtail
finds the site for the host, then walks the tree one level at a time, then asks for the view
restrictions of the page and its ancestors: seven queries before the page is drawn, most of their
cost in building the SQL. What they find changes only when content changes, so it is kept until
then (delivery.cache.cached_until_content_changes, invalidated by every publish, move, deletion,
site or privacy change). The site is kept here; each level's child and the view restrictions are
asked for by the page models (pages/models/base.py) through lmi_site.keeping, which this app
answers. Our own code because Wagtail has no setting for it.
"""

import logging

from django.conf import settings
from django.http import Http404
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from delivery.cache import cached_until_content_changes

logger = logging.getLogger(__name__)


def _site_with_root_page(request):
    site = Site._find_for_request(request)
    if site is None:
        raise Http404  # nothing kept: a later request finds it once the site exists
    site.root_page_in_language = _home_page_in_language(site)
    return site


def _home_page_in_language(site):
    """(home page, its language) for the request's language, kept with the site: Wagtail's own
    routing looks it up on every page served (a query for the locale, another for the page).

    The site's top page is the home page in the default language (pages/seeding.py makes it so),
    so an English request needs no lookup; a Spanish one gets the Spanish home page if it is live,
    else the English one, which _route then refuses to serve under /es/."""
    root = site.root_page.specific
    language = get_supported_content_language_variant(get_language())
    if language == settings.LANGUAGE_CODE:
        return root, settings.LANGUAGE_CODE
    # As root.localized, in one query of the home page's own type (Wagtail's takes four).
    localized = (
        type(root)
        .objects.filter(translation_key=root.translation_key, locale__language_code=language, live=True)
        .first()
    )
    if localized is None:
        return root, settings.LANGUAGE_CODE
    return localized, language


def _route(request, site, path):
    """As Wagtail's Page.route_for_request, from the kept home page in the request's language.

    An address under /es/ is answered only by Spanish pages: where the Spanish home page is not
    published, Wagtail would route from the English one and show English pages as Spanish."""
    root, language = site.root_page_in_language
    if language != get_supported_content_language_variant(get_language()):
        return None
    try:
        return root.route(request, [component for component in path.split("/") if component])
    except Http404:
        return None


class SiteForRequestMiddleware:
    """Give Wagtail the request's site from the cache: Site.find_for_request reads it from
    `request._wagtail_site`, so the lookup (one query with several CASE expressions) runs once per
    content change rather than once per page served. Only for Wagtail's page serving: other views
    (the admin, health checks, error pages) are left to look it up, or not, themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve or hasattr(request, "_wagtail_site"):
            return None
        try:
            # get_host() has checked ALLOWED_HOSTS, so only real host names become keys.
            key = f"site:{request.get_host()}:{request.get_port()}:{get_language()}"
            site = cached_until_content_changes(key, lambda: _site_with_root_page(request))
            request._wagtail_site = site
            # Wagtail's serve reads the route from here, so it does not look up the home page again.
            request._wagtail_route_for_request = _route(
                request, site, view_args[0] if view_args else view_kwargs.get("path", "")
            )
        except Http404:
            pass  # no site: Wagtail looks, finds none and answers 404 as usual
        except Exception:
            logger.exception("Could not find the site from the cache; Wagtail will look it up")
        return None
