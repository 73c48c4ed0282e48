"""GET /healthz: what a load balancer polls to know whether an instance can serve."""

import json

import pytest
from django.test import override_settings

from tests.test_database_outage import closed_port, unreachable_database


@pytest.mark.django_db
def test_healthy_answers_200_with_each_part_named_and_is_never_cached(client):
    for _ in range(2):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
        assert "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_is_named_with_503(client):
    with unreachable_database():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_is_named_with_503(client):
    unreachable = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
    with override_settings(CACHES={"default": unreachable}):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
    assert "127.0.0.1" not in response.content.decode()  # nothing about where things are


@pytest.mark.django_db
def test_without_a_shared_cache_configured_the_instance_is_still_healthy(client):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["cache"] == "not configured"
