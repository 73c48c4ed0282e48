"""The shared cache fails without an error: a real redis-server of the test's own, stalled and killed.

Bounds stated (lmi_site/shared_cache.py): connecting gives up after 0.25 s and a command after
0.5 s; after a failure Redis is skipped (each call answers in well under 50 ms) until it answers
a probe again, asked every second; the failure is logged once per minute per process.
"""

import logging
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from benchmarks.harness import redis_server
from delivery.cache import GENERATION_KEY
from lmi_site import shared_cache
from pages.models import GuidePage
from tests.support import GUIDE_URL

# One command's timeout, plus what drawing a page costs here (tens of milliseconds), with room for
# a busy test machine.
STALLED_PAGE_SECONDS = shared_cache.READ_TIMEOUT_SECONDS + 1.5
SKIPPED_CALL_SECONDS = 0.05
RECOVERY_SECONDS = shared_cache.PROBE_SECONDS + shared_cache.READ_TIMEOUT_SECONDS + 3


@pytest.fixture
def redis(tmp_path):
    with redis_server(tmp_path / "redis") as server:
        cache_settings = {
            "default": {
                "BACKEND": "lmi_site.shared_cache.SharedRedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "test",
            }
        }
        with override_settings(CACHES=cache_settings):
            yield server
        # Nothing of this server is left for another test that may get the same port.
        breaker = shared_cache._breaker_for(server.url)
        breaker.open, breaker.last_logged = False, float("-inf")


def wait_until_answering(cache):
    deadline = time.monotonic() + RECOVERY_SECONDS
    while not cache.answering:
        assert time.monotonic() < deadline, "the shared cache was still skipped after Redis came back"
        time.sleep(0.05)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_stalled_redis_costs_one_bounded_wait_then_is_skipped_and_logged_once(redis, caplog):
    cache = caches["default"]
    cache.set("kept", "value")
    redis.stall()
    try:
        with caplog.at_level(logging.ERROR, logger="lmi_site.shared_cache"):
            value, waited = timed(lambda: cache.get("kept"))
            assert value is None and waited < shared_cache.READ_TIMEOUT_SECONDS + 0.3
            assert not cache.answering
            for _ in range(50):
                value, waited = timed(lambda: cache.get("kept", "default"))
                assert value == "default" and waited < SKIPPED_CALL_SECONDS
                assert cache.add("other", 1) is True  # as Django's DummyCache: nothing kept, nothing raised
                with pytest.raises(ValueError):
                    cache.incr("other")  # as for a key that is not there
        failures = [record for record in caplog.records if "does not answer" in record.getMessage()]
        assert len(failures) == 1
    finally:
        redis.resume()
    wait_until_answering(cache)
    assert cache.get("kept") == "value"  # the same Redis, its data kept through the stall


def test_a_killed_redis_is_refused_at_once_and_used_again_when_restarted(redis):
    cache = caches["default"]
    redis.kill()
    _, waited = timed(lambda: cache.set("key", "value"))
    assert waited < shared_cache.CONNECT_TIMEOUT_SECONDS + 0.3
    assert not cache.answering
    redis.start()
    wait_until_answering(cache)
    cache.set("key", "value")
    assert cache.get("key") == "value"


@pytest.mark.django_db(transaction=True)
def test_pages_are_drawn_while_redis_is_stalled_and_a_publish_made_meanwhile_is_never_hidden(redis, client, seeded):
    for _ in range(3):
        response = client.get(GUIDE_URL)
    assert response.headers["X-Page-Cache"] == "hit"
    generation = caches["default"].get(GENERATION_KEY)

    redis.stall()
    try:
        for _ in range(5):
            response, waited = timed(lambda: client.get(GUIDE_URL))
            assert response.status_code == 200
            assert waited < STALLED_PAGE_SECONDS
        # An editor publishes while Redis cannot hear of it: the publish goes ahead.
        guide = GuidePage.objects.get()
        guide.title = "Changed while the cache was stalled"
        _, waited = timed(lambda: guide.save_revision().publish())
        assert waited < STALLED_PAGE_SECONDS
        assert "Changed while the cache was stalled" in client.get(GUIDE_URL).content.decode()
    finally:
        redis.resume()

    # Redis comes back with the old page and the old generation still in it ...
    cache = caches["default"]
    wait_until_answering(cache)
    # ... and this process deleted that generation before using Redis again: no stale page.
    assert cache.get(GENERATION_KEY) != generation
    for _ in range(3):
        response = client.get(GUIDE_URL)
        assert "Changed while the cache was stalled" in response.content.decode()
    assert response.headers["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_the_health_check_names_the_cache_while_redis_is_away_and_recovers(redis, client):
    assert client.get("/healthz").json()["cache"] == "ok"
    redis.kill()
    response, waited = timed(lambda: client.get("/healthz"))
    assert response.status_code == 503 and response.json()["cache"] == "unavailable"
    assert response.json()["database"] == "ok"
    assert waited < 1.5
    redis.start()
    wait_until_answering(caches["default"])
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_the_limits_on_patients_forms_fail_open_while_redis_is_away(redis, client, seeded, settings, caplog):
    """A request stored is worth more than a limit kept: with Redis dead, feedback beyond the hourly
    limit and consultation requests are still stored, and the log says the limits are not kept."""
    from consultations.models import ConsultationRequest
    from consultations.tests.test_requests import FORM_URL, form_data
    from feedback.models import GuideFeedback
    from feedback.tests.test_feedback import send
    from feedback.views import SENDS_PER_HOUR

    settings.CONSULTATION_MIN_SECONDS = 0
    guide = GuidePage.objects.get()
    redis.kill()
    with caplog.at_level(logging.ERROR, logger="lmi_site.shared_cache"):
        for _ in range(SENDS_PER_HOUR + 2):
            assert send(client, guide, address="203.0.113.9").status_code == 303
        assert client.post(FORM_URL, form_data(client)).status_code == 303
    assert GuideFeedback.objects.count() == SENDS_PER_HOUR + 2
    assert ConsultationRequest.objects.count() == 1
    assert "limits on consultation requests and feedback are not kept" in caplog.text
