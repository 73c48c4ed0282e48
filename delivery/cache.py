"""The page cache: anonymous readers get a stored copy of each page, editors' changes show at once.

How invalidation stays correct
------------------------------
One content change can alter many pages: the home page and the guide list show every guide,
and every guide shows the clinic settings and its author and reviewer. Working out exactly
which pages a change touches would be easy to get wrong, and edits are rare next to reads,
so any content change invalidates every page at once by replacing one "generation" token.

Each stored page carries the token that was current when its request *began*, and is served
only while that token is still current. A request that read the old content and stores it
after a publish stores it under the old token, which is never current again, so it can never
be served: there is no window in which a stale copy can slip back in. The token is replaced
twice: at once (inside the publish's transaction) and again after the commit (so a request that
read the old rows between the first replacement and the commit is invalidated too). If Redis
cannot be reached, the publish still goes ahead and the token cannot be replaced: the shared
cache's backend then deletes it as soon as Redis answers again, before this process uses it
(GENERATION_KEY is registered for that; lmi_site/shared_cache.py explains why that suffices). The token lives in the same
shared cache as the pages, so every app instance sees the change on its next request.

Query strings: links shared on social media or in newsletters carry tracking parameters
(?fbclid=…, ?utm_source=…), and anyone can add random ones. A page that does not read the query
string (every page type, unless it sets `reads_query_string = True`) is stored and served by its
path alone, whatever query string comes with it, so such links cost a cache hit like any other.
A page that reads it is never stored when a query string is present, nor served from a copy then.

What is never served from or stored in the cache: anything but GET; requests that carry a
session cookie (logged-in editors, and anyone whose session holds state); anything not served
through Wagtail's page serving (the admin, previews, search, which reads its query string,
redirects); and responses that are not a plain 200, set a cookie, vary on anything, or say
private/no-store.
"""

import hashlib
import logging
import threading
import time
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import request_finished
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.cache import cc_delim_re, patch_cache_control
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from consultations.models import ClinicContactSettings
from delivery.http import Representations, accepted_encoding, compress, make_private
from lmi_site.shared_cache import renewed_after_outage
from pages.models import ClinicSettings, Person

logger = logging.getLogger(__name__)

GENERATION_KEY = renewed_after_outage("pagecache:generation")
# Headers made per response by the outer middleware or the server; never replayed from the cache.
NOT_STORED_HEADERS = {"set-cookie", "date", "x-page-cache"}


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def new_generation():
    return uuid.uuid4().hex


def _replace_generation():
    page_cache().set(GENERATION_KEY, new_generation(), timeout=None)


def _after_commit():
    _replace_generation()
    purge_frontend_cache(again_later=True)


def content_changed(**kwargs):
    """Signal receiver for every change to anything shown on a page."""
    _replace_generation()
    transaction.on_commit(_after_commit)


def purge_frontend_cache(again_later=False):
    """Ask the caching proxy, if one is configured, to drop every live page (see module docstring).

    A request that was already inside the app when the change was committed can hand the proxy
    the old page just after this purge. With again_later, the same pages are purged a second
    time FRONTEND_CACHE_SECOND_PURGE_SECONDS later, which drops any such copy; deploy/varnish.vcl
    keeps no page whose fetch took longer than 2 s (less than that delay), so the old page can
    outlive the change by that delay at most."""
    backend_settings = getattr(settings, "WAGTAILFRONTENDCACHE", None)
    if not backend_settings:
        return
    asked_at = time.monotonic()
    batch = PurgeBatch()
    batch.add_pages(Page.objects.live().public().specific(defer=True))
    batch.purge(backend_settings=backend_settings)
    if again_later:
        _purge_again_later(batch, backend_settings, asked_at)


# One transaction's content changes each ask for a second purge as they commit together: one
# asked within this many seconds of the last one scheduled shares it (and its list of pages).
# Timed from before each change's own purge, whose requests take longer on a busy machine (two
# changes of one commit once got a second purge each). Shared, a later change's second purge can
# come this much sooner than FRONTEND_CACHE_SECOND_PURGE_SECONDS after its commit, so never more
# than that delay's margin over the 2 s that deploy/varnish.vcl lets a fetch take.
_SECOND_PURGE_SHARED_WITHIN = 0.5
_LONGEST_PROXY_FETCH_SECONDS = 2
_second_purge_lock = threading.Lock()
_second_purge = {"scheduled_at": float("-inf"), "timer": None}


def _purge_again_later(batch, backend_settings, asked_at):
    # A timer thread rather than a task queue: the site runs no worker, and a non-daemon thread
    # is waited for when a management command exits, so its second purge is still sent.
    with _second_purge_lock:
        now = time.monotonic()
        pending = _second_purge["timer"]
        delay = settings.FRONTEND_CACHE_SECOND_PURGE_SECONDS
        shared_within = min(_SECOND_PURGE_SHARED_WITHIN, delay - _LONGEST_PROXY_FETCH_SECONDS)
        if pending and pending.is_alive() and asked_at - _second_purge["scheduled_at"] < shared_within:
            pending.args[0].add_urls(batch.urls)
            return
        timer = threading.Timer(delay, _second_purge_now, (batch, backend_settings))
        timer.name = "frontend-cache-second-purge"
        _second_purge.update(scheduled_at=now, timer=timer)
        timer.start()


def _second_purge_now(batch, backend_settings):
    try:
        batch.purge(backend_settings=backend_settings)
    except Exception:
        logger.exception("The second purge of the caching proxy failed")


def mark_servable(serve_next):
    """Wagtail's on_serve_page hook: the chain runs only for pages Wagtail serves after its
    view-restriction checks have passed, never for previews, the admin or other views."""

    def serve(page, request, serve_args, serve_kwargs):
        request.page_cache_allowed = True
        request.page_reads_query_string = getattr(page, "reads_query_string", True)
        return serve_next(page, request, serve_args, serve_kwargs)

    return serve


def connect_signals():
    """Everything a page shows: its own content and place in the tree, who can see it, the
    people, clinic settings and contact details it displays, and the site it belongs to."""
    page_published.connect(content_changed, dispatch_uid="pagecache-published")
    page_unpublished.connect(content_changed, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(content_changed, dispatch_uid="pagecache-moved")
    # The clinic's contact details are in every page's footer: a change must reach every page at once.
    shown_on_pages = [Person, ClinicSettings, ClinicContactSettings, Site, PageViewRestriction]
    # A page's own saves are drafts until page_published; what patients see changes only then.
    for model in shown_on_pages:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-saved-{model.__name__}")
    for model in shown_on_pages + [m for m in apps.get_models() if issubclass(m, Page)]:
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache-deleted-{model.__name__}")


def _request_allowed(request):
    return request.method == "GET" and not _has_session(request)


def _has_session(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _used_csrf_token(request):
    # Django sets this whenever a CSRF token is put into a page (django.middleware.csrf.get_token).
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def response_storable(request, response):
    """Only a plain, shareable, complete 200 may be stored and shown to other readers."""
    if response.status_code != 200 or response.streaming or response.cookies or _used_csrf_token(request):
        return False
    if response.has_header("Vary"):
        return False
    cache_control = {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    return not cache_control & {"private", "no-store", "no-cache"}


# The project's apps whose Python draws pages; templates are found in templates/ and each app's own.
SITE_APPS = (
    "lmi_site",
    "pages",
    "consultations",
    "feedback",
    "searches",
    "delivery",
    "medical_review",
    "backup",
    "impact",
)


def site_version():
    """A hash of what draws a page besides its content: every template, our Python, our static files.

    Worked out once when a process starts. Everything kept in the shared cache (whole pages, a
    guide's drawn body, lookups) is kept under it, so after a deploy no page drawn by the old code,
    pointing at the old stylesheet, is served by the new; the old copies expire (PAGE_CACHE_SECONDS).
    """
    base = Path(settings.BASE_DIR)
    files = sorted(base.glob("templates/**/*.html")) + sorted(base.glob("*/templates/**/*.html"))
    files += sorted(path for path in base.glob("static/**/*") if path.is_file())
    for app in SITE_APPS:
        files += sorted(base.glob(f"{app}/**/*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


SITE_VERSION = site_version()


def _key(request):
    # The path alone, never the query string (see the module's docstring).
    url = f"{request.scheme}://{request.get_host()}{request.path}"
    # And the clinic's date: what a page says about today (a guide's review overdue) changes at midnight.
    return (
        f"pagecache:page:{SITE_VERSION}:{timezone.localdate().isoformat()}:" + hashlib.sha256(url.encode()).hexdigest()
    )


def _lookup(cache, key):
    """One round trip: the current generation, and the value stored at key if it is still current."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    stored = found.get(key)
    if generation is not None and stored is not None and stored[0] == generation:
        return generation, stored[1]
    return generation, None


def _store(cache, key, generation, value, timeout):
    if generation is None:
        # Nothing to tie the value to yet (a new or emptied cache): start a generation for the
        # next request. Storing under one started now could hide a change made meanwhile.
        cache.add(GENERATION_KEY, new_generation(), timeout=None)
        return
    cache.set(key, (generation, value), timeout=timeout)


def cached_until_content_changes(key, compute):
    """compute(), remembered until the next content change; for lookups shared by many pages."""
    cache = page_cache()
    key = f"pagecache:value:{SITE_VERSION}:{key}"
    generation, value = _lookup(cache, key)
    if value is None:
        value = compute()
        _store(cache, key, generation, value, settings.PAGE_CACHE_SECONDS)
    return value


# Best-quality compression of pages stored during this request, done once the response has been
# sent (request_finished), so the reader who met the miss does not wait for it.
_after_response = threading.local()


def _upgrade_stored_pages(**kwargs):
    pending, _after_response.pages = getattr(_after_response, "pages", []), []
    for key, generation, stored in pending:
        page = stored[0].upgraded()
        if page is None:
            continue
        try:
            _store(page_cache(), key, generation, (page, stored[1]), settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Page cache unavailable; the better-compressed copy was not stored")


request_finished.connect(_upgrade_stored_pages, dispatch_uid="pagecache-upgrade-compression")


class PageCacheMiddleware:
    """Serve anonymous readers from the page cache; sits just inside WhiteNoise (see settings).

    It also decides what leaves the app for every response below it: compression and ETag
    (delivery/http.py), and Cache-Control: public for pages every reader shares, private and
    no-store wherever someone is signed in or posting, and private for anything else that did
    not say (search results, error pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_allowed(request):
            return self._not_shared(request, self.get_response(request))

        cache = page_cache()
        key = _key(request)
        try:
            generation, stored = _lookup(cache, key)
        except Exception:
            logger.exception("Page cache unavailable; serving the page uncached")
            generation, stored = None, None
            cache = None
        with_query = bool(request.META.get("QUERY_STRING"))
        if stored is not None:
            page, reads_query_string = stored
            if not (with_query and reads_query_string):
                response = page.response_for(request)
                response["X-Page-Cache"] = "hit"
                return response

        response = self.get_response(request)
        reads_query_string = getattr(request, "page_reads_query_string", True)
        shared = getattr(request, "page_cache_allowed", False) and not (with_query and reads_query_string)
        if not (shared and response_storable(request, response)):
            return self._not_shared(request, response)

        headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS]
        # Not while the shared cache is skipped after a failure (lmi_site/shared_cache.py).
        keeping = cache is not None and not isinstance(cache, DummyCache) and getattr(cache, "answering", True)
        # A page that is kept is compressed for every reader to come; one that is not, for this one.
        encodings = ("gzip", "br") if keeping else (accepted_encoding(request),)
        page = Representations.of(response, headers, encodings, upgrading=keeping and generation is not None)
        served = page.response_for(request)
        if keeping:
            stored = (page, reads_query_string)
            try:
                _store(cache, key, generation, stored, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("Page cache unavailable; this page was not stored")
            else:
                if generation is not None:
                    _after_response.pages = [*getattr(_after_response, "pages", []), (key, generation, stored)]
                served["X-Page-Cache"] = "miss"
        return served

    def _not_shared(self, request, response):
        if request.method not in ("GET", "HEAD") or _has_session(request) or getattr(request, "is_preview", False):
            make_private(response)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        if not _has_session(request) and not _used_csrf_token(request) and not response.cookies:
            compress(request, response)  # nothing secret in it to leak (see delivery/http.py)
        return response
