"""The shared cache (Redis) as an optional part: when it fails, the site goes on as if it kept nothing.

Everything the cache holds can be worked out again from the database (pages, lookups, a guide's
drawn body) or may be forgotten (the rate limits on patients' forms), so an unreachable or stalled
Redis must never become an error for a reader, a patient or an editor. This backend is
django-redis with three additions:

- Bounded waits: connecting gives up after CONNECT_TIMEOUT_SECONDS and a command after
  READ_TIMEOUT_SECONDS (settings), with no retry, so a stalled Redis costs one request that much.
- A circuit breaker per process: after a failure Redis is skipped, and every call answers at once
  as Django's DummyCache would (a miss; nothing kept), until a background thread finds that it
  answers again (it asks every PROBE_SECONDS). Readers' pages are then drawn as on a miss.
- The failure is logged once a minute per process, not once per request, and its recovery once.

Our own code because django-redis's IGNORE_EXCEPTIONS still waits out the timeouts on every call
and hides the failure (or logs every call), and neither it nor Django has a breaker.

What a process may have missed while Redis was away
---------------------------------------------------
A publish made while Redis is unreachable goes ahead; its replacement of the page cache's
generation (delivery/cache.py) cannot be written. If Redis comes back with its old data (a stall,
a network partition, a restart from disk), the pages stored before the publish would still look
current. So before this process uses Redis again, its background thread deletes the tokens
registered with `renewed_after_outage` (the page generation, the images token), which is how the
page cache treats a new or emptied cache: no page stored before can be served, by any process.
Every write a process skipped or lost comes before that deletion, so nothing it missed can
reappear. One gap is left, and bounded: a process that saw no failure at all (it had no request
during the outage) can serve such a page until the publishing process's thread notices that Redis
answers again, which is within PROBE_SECONDS (plus one timeout) of its return.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django_redis.cache import RedisCache
from redis.commands.core import Script
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a connection attempt and a command may take, in seconds; a healthy Redis on the same
# network answers in well under a millisecond, so these only bound what a failure costs.
CONNECT_TIMEOUT_SECONDS = 0.25
READ_TIMEOUT_SECONDS = 0.5
# How often a process that found Redis failing asks whether it answers again.
PROBE_SECONDS = 1.0
# At most one log line per failure per process in this time.
LOG_EVERY_SECONDS = 60.0

_renewed_after_outage = []


def renewed_after_outage(key):
    """Register a cache key whose value stands for "nothing has changed since": it is deleted when
    Redis answers again after this process found it failing (see the module's docstring)."""
    if key not in _renewed_after_outage:
        _renewed_after_outage.append(key)
    return key


class _Breaker:
    """The state of one Redis server as this process sees it; shared by every thread's cache object."""

    def __init__(self, location):
        self.location = location
        self.lock = threading.Lock()
        self.open = False
        self.last_logged = float("-inf")
        self.probe = None

    def failed(self, error, cache):
        with self.lock:
            self.open = True
            now = time.monotonic()
            if now - self.last_logged >= LOG_EVERY_SECONDS:
                self.last_logged = now
                logger.error(
                    "The shared cache (Redis) does not answer (%s: %s). Until it does, pages are drawn "
                    "without it and the limits on consultation requests and feedback are not kept; "
                    "asking again every %s s",
                    type(error).__name__,
                    error,
                    PROBE_SECONDS,
                )
            if self.probe is None or not self.probe.is_alive():
                self.probe = threading.Thread(
                    target=self._probe_until_answered, args=(cache,), name="shared-cache-probe", daemon=True
                )
                self.probe.start()

    def _probe_until_answered(self, cache):
        while True:
            time.sleep(PROBE_SECONDS)
            try:
                # Straight to django-redis, past the breaker: a ping, then forget the tokens.
                cache.client.get_client(write=True).ping()
                if _renewed_after_outage:
                    RedisCache.delete_many(cache, list(_renewed_after_outage))
            except RedisError:
                continue
            except Exception:
                logger.exception("The shared cache's recovery check failed; trying again")
                continue
            with self.lock:
                self.open = False
                self.probe = None
            logger.warning("The shared cache (Redis) answers again; pages are cached again")
            return


_breakers = {}
_breakers_lock = threading.Lock()


def _breaker_for(location):
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker(location))


class SharedRedisCache(RedisCache):
    """django-redis behind a circuit breaker: while Redis fails, a DummyCache (see module docstring)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        options.setdefault("SOCKET_CONNECT_TIMEOUT", CONNECT_TIMEOUT_SECONDS)
        options.setdefault("SOCKET_TIMEOUT", READ_TIMEOUT_SECONDS)
        options["IGNORE_EXCEPTIONS"] = False  # the breaker decides, below
        params = {**params, "OPTIONS": options}
        super().__init__(server, params)
        self.breaker = _breaker_for(str(server))
        self.stand_in = DummyCache(server, params)
        self._scripts = {}

    @property
    def answering(self):
        """False while this process skips Redis because it failed."""
        return not self.breaker.open

    def _guarded(self, name, *args, **kwargs):
        if self.breaker.open:
            return getattr(self.stand_in, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (RedisError, OSError) as error:  # django-redis re-raises the redis client's own error
            self.breaker.failed(error, self)
            return getattr(self.stand_in, name)(*args, **kwargs)

    # Django's cache API; each answers as DummyCache does while Redis is skipped.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._guarded("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._guarded("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._guarded("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._guarded("decr", key, delta=delta, version=version)

    def clear(self):
        return self._guarded("clear")

    def run_script(self, source, keys, args):
        """Run a Lua script on Redis in one round trip, its keys named as Django names cache keys;
        None while Redis is skipped. Beyond Django's cache API, for a hot path that would otherwise
        take several round trips (impact/counting.py). Redis keeps the script; only its hash is sent."""
        if self.breaker.open:
            return None
        try:
            client = self.client.get_client(write=True)
            script = self._scripts.get(source)
            if script is None:
                script = self._scripts[source] = Script(client, source)
            return script(keys=[self.make_key(key) for key in keys], args=args, client=client)
        except (RedisError, OSError) as error:
            self.breaker.failed(error, self)
            return None
