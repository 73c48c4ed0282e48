"""GET /healthz: whether the database and the shared cache the pages are kept in answer."""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)
HEALTH_KEY = "healthz"


@never_cache
def health(request):
    """GET /healthz for load balancers: 200 when the database and the shared cache answer, 503
    naming whichever does not. It runs one trivial query and one cache round trip, so polling it
    every second costs little, and it says nothing about how either is configured."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(state in ("ok", "not configured") for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return "unavailable"
    return "ok"


def _cache_answers():
    shared = caches[settings.PAGE_CACHE_ALIAS]
    if isinstance(shared, DummyCache):
        return "not configured"  # production without REDIS_URL caches nothing, by design
    token = secrets.token_hex(8)
    try:
        shared.set(HEALTH_KEY, token, timeout=10)
        answered = shared.get(HEALTH_KEY) == token
    except Exception:  # any client's error: connection refused, timeout, protocol
        logger.warning("Health check: the cache does not answer", exc_info=True)
        return "unavailable"
    return "ok" if answered else "unavailable"
