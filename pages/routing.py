"""Finding the page for an address in as few queries as possible when the page cache cannot help.

On a page-cache miss (an editor reading a live page, the first reader after a publish) Wagtail
finds the site for the host, then walks the tree one level at a time (a query for each child and
another for its specific type), then asks for the view restrictions of the page and its
ancestors: seven queries before the page is drawn, most of their cost in building the SQL. What
they find changes only when content changes, so it is kept until then
(pages.cache.cached_until_content_changes, invalidated by every publish, move, deletion, site or
privacy change). Our own code because Wagtail has no setting for it; each piece says which of
Wagtail's hooks it uses.
"""

import hashlib
import logging

from django.http import Http404

from pages.cache import cached_until_content_changes

logger = logging.getLogger(__name__)


def _site_with_root_page(request):
    from wagtail.models import Site

    site = Site._find_for_request(request)
    if site is None:
        raise Http404  # nothing kept: a later request finds it once the site exists
    site.root_page.localized.specific  # noqa: B018 - loaded now, so it is kept with the site
    return site


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
        from wagtail.views import serve as wagtail_serve  # imported late: models load this module

        if view_func is not wagtail_serve or hasattr(request, "_wagtail_site"):
            return None
        try:
            # get_host() has checked ALLOWED_HOSTS, so only real host names become keys.
            key = f"site:{request.get_host()}:{request.get_port()}"
            request._wagtail_site = cached_until_content_changes(key, lambda: _site_with_root_page(request))
        except Http404:
            pass  # no site: Wagtail looks, finds none and answers 404 as usual
        except Exception:
            logger.exception("Could not find the site from the cache; Wagtail will look it up")
        return None


def child_for_route(parent, slug):
    """The specific child page at `slug`, kept until content changes; Http404 if there is none."""

    def find():
        try:
            child = parent.get_children().get(slug=slug)
        except parent.base_page_model.DoesNotExist as missing:
            raise Http404 from missing  # nothing kept, so random addresses add no keys
        return child.specific

    key = f"route-child:{parent.pk}:" + hashlib.sha256(slug.encode()).hexdigest()[:32]
    child = cached_until_content_changes(key, find)
    child._cached_parent_obj = parent  # as Wagtail's routing does, so get_parent() costs no query
    return child


def has_view_restrictions(page):
    """Whether the page or any ancestor is private, kept until content (or privacy) changes."""
    from wagtail.models import Page

    return cached_until_content_changes(
        f"view-restricted:{page.pk}", lambda: "yes" if Page.get_view_restrictions(page).exists() else "no"
    )
