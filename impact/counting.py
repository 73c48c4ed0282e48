"""Counting guides' readers without tracking them: a small request of its own, answered 204.

How a reading is counted
------------------------
A guide's page is the same bytes for every reader (the page cache and Varnish keep it), so it
counts nobody itself. Its counter (templates/impact/counter.html) asks for one more address:

- POST /count/<guide>/view when the page is shown, then POST /count/<guide>/end when the reader
  scrolls past the guide's last section (static/js/reading-counter.js; it sends no cookie);
- without JavaScript, an image inside <noscript> asks GET /count/<guide>/view. Without JavaScript
  nothing can tell that a reader reached the end: browsers load every image at once when scripts
  are off (the HTML standard forbids lazy loading then, so that scrolling cannot be followed).
  Such a reader counts as a view and a reader, never as reaching the end.

What is kept, and where
-----------------------
Readers are told apart for one day, as Plausible does: a keyed hash of the address, the browser's
user agent and the guide. The key is random, made for the clinic's day, held only in the shared
cache and gone when the day ends, so nobody (not even with the database and the cache) can later
work out who read what. The hash is a cache key that expires with the day. The counts are added up
in the cache and moved into DailyFigures (one row per guide and day) at most FLUSH_SECONDS later,
and whenever staff open the figures. No address, user agent, cookie or identifier is written to the
database, the logs or the reader's device.

Not counted: robots (their user agent says so, or is missing), anything but a live, public
guide, and views of one guide from one address beyond READING_COUNTS_PER_ADDRESS_PER_HOUR in a
clock hour (answered 429, so one address cannot inflate a guide's figures without limit). While
the shared cache is away, or absent (production without REDIS_URL), nothing is counted.

What a count costs
------------------
About what a page-cache hit does (docs/performance.md), so it is answered by a middleware before
sessions, CSRF, authentication, the page cache and the Content-Security-Policy header (a 204 or a
plain-text refusal has nothing for it to guard), none of which a count needs; on Redis its cache
work is one round trip (a Lua script doing what the Python steps below do for other caches); and
each process remembers which guides are counted for GUIDES_REMEMBERED_SECONDS (or until it sees
a content change itself), so a guide published or unpublished in another process is counted, or
refused, from at most that many seconds later.
"""

import datetime
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import request_finished
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from impact.models import DailyFigures
from lmi_site.client_ip import client_ip
from lmi_site.keeping import until_content_changes
from pages.models import GuidePage

logger = logging.getLogger(__name__)

PREFIX = "/count/"
COUNT = re.compile(r"/count/(?P<guide>[0-9]{1,12})/(?P<event>view|end)")
MEASURES = {"view": "views", "reader": "readers", "end": "reached_end"}
# A browser's user agent is a few hundred characters at most.
LONGEST_USER_AGENT = 512
# Who says they are a program: search engines, link previews, monitors, health checks, load
# generators (wrk sends no user agent at all), HTTP libraries and headless browsers.
ROBOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|scraper|fetcher|headless|lighthouse|pagespeed|pingdom|uptime|"
    r"monitor|health.?check|kube-probe|googlehc|curl/|wget/|python|java/|go-http|okhttp|libwww|httpclient|"
    r"axios|node-fetch|undici|\bwrk\b|apachebench|siege|locust|\bk6/|jmeter|gatling|phantomjs|selenium|"
    r"playwright|puppeteer|facebookexternalhit|whatsapp|embedly|preview",
    re.IGNORECASE,
)
# Counts wait in the cache at most this long for a flush (counting flushes every minute or so).
TALLY_SECONDS = 8 * 24 * 60 * 60
# A new day's key is made when the first count of the day asks for it; each process remembers it
# this long, so most counts do not fetch it.
DAY_KEY_REMEMBERED_SECONDS = 60
FLUSH_LOCK = "impact:flushing"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _clinic_zone():
    """Days are the clinic's, whichever zone a member of staff chose for the admin they are in."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _counts_kept(cache):
    """Whether this cache can tell readers apart and add up counts: not while Redis is skipped
    after a failure (lmi_site/shared_cache.py), nor when there is no shared cache at all."""
    return not isinstance(cache, DummyCache) and getattr(cache, "answering", True)


GUIDES_REMEMBERED_SECONDS = 10
_remembered_guides = {"ids": None, "until": 0.0}


def counted_guides():
    """The numbers of the live, public guides: the only pages counted."""
    remembered = _remembered_guides
    if remembered["ids"] is None or time.monotonic() >= remembered["until"]:
        ids = until_content_changes("impact-counted-guides", _live_public_guides)
        remembered.update(ids=ids, until=time.monotonic() + GUIDES_REMEMBERED_SECONDS)
    return remembered["ids"]


def _live_public_guides():
    return frozenset(GuidePage.objects.live().public().values_list("pk", flat=True))


def _forget_counted_guides(**kwargs):
    _remembered_guides["ids"] = None


# --- the day's key -----------------------------------------------------------------------------

_remembered_key = {"date": None, "key": None, "until": 0.0}


def _seconds_left_in(day):
    """Until the clinic's day ends, and a minute more for a count that began just before midnight."""
    midnight = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min), _clinic_zone()
    )
    return max(60, int((midnight - timezone.now()).total_seconds()) + 60)


def day_key(cache, day):
    """The random key of the clinic's day, made by whoever asks first and kept only in the cache."""
    remembered = _remembered_key
    if remembered["date"] == day and time.monotonic() < remembered["until"]:
        return remembered["key"]
    name = f"impact:day-key:{day.isoformat()}"
    cache.add(name, secrets.token_hex(32), timeout=_seconds_left_in(day))
    key = cache.get(name)
    if key is None:
        return None
    remembered.update(date=day, key=key.encode(), until=time.monotonic() + DAY_KEY_REMEMBERED_SECONDS)
    return remembered["key"]


def _keyed_hash(key, *parts):
    return hmac.new(key, "\n".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


# --- counting ----------------------------------------------------------------------------------


def tally_key(day, guide_id, measure):
    return f"impact:tally:{day.isoformat()}:{guide_id}:{measure}"


def _increment(cache, key, timeout):
    """Add one to a counter in the cache, starting it if it is not there; its new value.

    For the caches without run_script (development's files, the tests' memory): Django's file cache
    gives a value its default lifetime again when it adds to it, so the counter's is set again."""
    try:
        value = cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=timeout):
            return 1
        value = cache.incr(key)
    cache.touch(key, timeout)
    return value


# On Redis each count is one round trip: these do what _count_view and _count_end do step by step.
VIEW_SCRIPT = """
local from_address = redis.call('INCR', KEYS[1])
if from_address == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if from_address > tonumber(ARGV[1]) then return -1 end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[3]) then
    if redis.call('INCR', KEYS[4]) == 1 then redis.call('EXPIRE', KEYS[4], ARGV[4]) end
    return 1
end
return 0
"""
END_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('INCR', KEYS[1]) ~= 2 then return 0 end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return 1
"""


def _count_view(cache, key, day, guide_id, address, agent):
    """Count a view (and a reader, if new today); False if the address is over its hourly limit."""
    hour = timezone.localtime(timezone=_clinic_zone()).strftime("%H")
    from_address = "impact:address:" + _keyed_hash(key, address, str(guide_id), hour)
    reader = "impact:reader:" + _keyed_hash(key, address, agent, str(guide_id))
    views, readers = tally_key(day, guide_id, MEASURES["view"]), tally_key(day, guide_id, MEASURES["reader"])
    limit = settings.READING_COUNTS_PER_ADDRESS_PER_HOUR
    if hasattr(cache, "run_script"):
        keys = [from_address, reader, views, readers]
        return cache.run_script(VIEW_SCRIPT, keys, [limit, 60 * 60, _seconds_left_in(day), TALLY_SECONDS]) != -1
    if _increment(cache, from_address, 60 * 60) > limit:
        return False
    # The reader's mark for the day: 1 once seen, 2 once they reached the end.
    new_reader = cache.add(reader, 1, timeout=_seconds_left_in(day))
    _increment(cache, views, TALLY_SECONDS)
    if new_reader:
        _increment(cache, readers, TALLY_SECONDS)
    return True


def _count_end(cache, key, day, guide_id, address, agent):
    """Count a reader seen today reaching the end, once: their mark goes from 1 (seen) to 2."""
    reader = "impact:reader:" + _keyed_hash(key, address, agent, str(guide_id))
    ended = tally_key(day, guide_id, MEASURES["end"])
    if hasattr(cache, "run_script"):
        cache.run_script(END_SCRIPT, [reader, ended], [TALLY_SECONDS])
        return
    try:
        reached = cache.incr(reader)
    except ValueError:
        return  # not seen today (or counted before midnight): there is no reading to end
    cache.touch(reader, _seconds_left_in(day))
    if reached == 2:
        _increment(cache, ended, TALLY_SECONDS)


def _answer(status, text=""):
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def count(request):
    """Answer /count/<guide>/<view|end>: 204 whether or not it was counted, or a 4xx saying what was wrong."""
    match = COUNT.fullmatch(request.path_info)
    if match is None:
        return _answer(
            404, "Not a count: counts are sent to /count/<guide number>/view or /count/<guide number>/end.\n"
        )
    if request.method not in ("GET", "POST"):
        response = _answer(405, "A count is sent with GET or POST.\n")
        response["Allow"] = "GET, POST"
        return response
    if request.META.get("QUERY_STRING"):
        return _answer(400, "A count takes no query string.\n")
    if request.META.get("CONTENT_LENGTH", "0") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in request.META:
        return _answer(413, "A count carries no body.\n")
    agent = request.META.get("HTTP_USER_AGENT", "")
    if len(agent) > LONGEST_USER_AGENT:
        return _answer(431, f"The User-Agent header is longer than {LONGEST_USER_AGENT} characters.\n")
    cache = _cache()
    if not _counts_kept(cache):
        return _answer(204)
    guide_id = int(match["guide"])
    try:
        known = guide_id in counted_guides()
    except DatabaseError:
        # Neither the cache nor the database knows the guides now: nothing counted, no error page drawn.
        return _answer(503, "Not counted: the site cannot check its guides just now.\n")
    if not known:
        return _answer(404, f"No published guide has the number {guide_id}.\n")
    if not agent or ROBOTS.search(agent):
        return _answer(204)
    day = timezone.localdate(timezone=_clinic_zone())
    key = day_key(cache, day)
    if key is None:
        return _answer(204)
    address = client_ip(request) or ""
    if match["event"] == "view":
        if not _count_view(cache, key, day, guide_id, address, agent):
            return _answer(429, "This guide has been counted often enough from your address this hour.\n")
    else:
        _count_end(cache, key, day, guide_id, address, agent)
    _flush_after_response_if_due()
    return _answer(204)


class CountingMiddleware:
    """Answers /count/… itself (see the module's docstring); sits just inside SecurityMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PREFIX):
            return count(request)
        return self.get_response(request)


# --- moving the counts into the database ---------------------------------------------------------

_next_flush = {"at": 0.0}
_after_response = threading.local()


def _flush_after_response_if_due():
    now = time.monotonic()
    if now >= _next_flush["at"]:
        _next_flush["at"] = now + settings.READING_COUNTS_FLUSH_SECONDS
        _after_response.flush = True


def _flush_when_finished(**kwargs):
    if not getattr(_after_response, "flush", False):
        return
    _after_response.flush = False
    try:
        flush()
    except Exception:
        logger.exception("Reading counts could not be moved into the database; they wait in the cache")


def connect_signals():
    request_finished.connect(_flush_when_finished, dispatch_uid="impact-flush-counts")
    # Which guides are counted changes when a page is published, unpublished, moved, deleted or
    # restricted: this process forgets its list at once (others within GUIDES_REMEMBERED_SECONDS).
    changes = [
        ("published", page_published, None),
        ("unpublished", page_unpublished, None),
        ("moved", post_page_move, None),
        ("deleted", post_delete, Page),
        ("guide-deleted", post_delete, GuidePage),
        ("restricted", post_save, PageViewRestriction),
        ("unrestricted", post_delete, PageViewRestriction),
    ]
    for name, signal, sender in changes:
        signal.connect(_forget_counted_guides, sender=sender, dispatch_uid=f"impact-forget-guides-{name}")


def flush():
    """Move the counts waiting in the cache into DailyFigures. Safe to call at any time: one
    process at a time does it, and what it took is put back if the database refuses it."""
    cache = _cache()
    if not _counts_kept(cache) or not cache.add(FLUSH_LOCK, 1, timeout=30):
        return
    try:
        today = timezone.localdate(timezone=_clinic_zone())
        days = [today - datetime.timedelta(days=back) for back in range(TALLY_SECONDS // 86400 + 1)]
        keys = {
            tally_key(day, guide_id, measure): (day, guide_id, measure)
            for guide_id in GuidePage.objects.values_list("pk", flat=True)
            for day in days
            for measure in MEASURES.values()
        }
        waiting = {key: value for key, value in cache.get_many(list(keys)).items() if value}
        if not waiting:
            return
        for key, value in waiting.items():
            cache.decr(key, value)
        totals = defaultdict(dict)
        for key, value in waiting.items():
            day, guide_id, measure = keys[key]
            totals[day, guide_id][measure] = value
        try:
            with transaction.atomic():
                for (day, guide_id), counts in totals.items():
                    row, _ = DailyFigures.objects.get_or_create(guide_id=guide_id, date=day)
                    DailyFigures.objects.filter(pk=row.pk).update(**{m: F(m) + n for m, n in counts.items()})
        except Exception:
            for key, value in waiting.items():
                _increment_by(cache, key, value)
            raise
    finally:
        cache.delete(FLUSH_LOCK)


def _increment_by(cache, key, value):
    try:
        cache.incr(key, value)
    except ValueError:
        cache.add(key, value, timeout=TALLY_SECONDS)
