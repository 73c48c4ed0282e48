"""Wagtail's frontend-cache invalidation tells a caching proxy to drop pages, over real HTTP."""

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import override_settings

from delivery import cache as cache_module
from pages.models import ClinicSettings, GuidePage
from tests.support import GUIDE_URL
from tests.translations import publish_in_spanish

# The seeded site in both languages (fixtures/site.yaml): every page shows the header, footer or a guide card.
EVERY_PAGE = [
    "/",
    "/consultation/",
    "/guides/",
    GUIDE_URL,
    "/privacy/",
    "/es/",
    "/es/consulta/",
    "/es/guias/",
    "/es/aviso-de-privacidad/",
]


class PurgeRecorder(BaseHTTPRequestHandler):
    """A stand-in proxy that only records the PURGE requests it receives."""

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.server.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def no_second_purge_after_the_test():
    """The second purge (delivery/cache.py) fires seconds later, when this test's proxy is gone."""
    yield
    pending = cache_module._second_purge["timer"]
    if pending is not None:
        pending.cancel()


@pytest.fixture
def proxy():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def frontend_cache_settings(address):
    host, port = address
    return {"proxy": {"BACKEND": "delivery.frontend_cache.TimeLimitedHTTPBackend", "LOCATION": f"http://{host}:{port}"}}


@pytest.fixture
def silent_proxy():
    """A proxy that takes the connection and never answers (the kernel accepts it; nobody reads)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener
    listener.close()


def test_a_proxy_that_never_answers_holds_a_publish_up_for_the_time_limit_once_not_per_page(
    seeded, silent_proxy, settings, django_capture_on_commit_callbacks, caplog
):
    settings.FRONTEND_CACHE_PURGE_TIMEOUT_SECONDS = 0.5
    settings.WAGTAILFRONTENDCACHE = frontend_cache_settings(silent_proxy.getsockname())
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="wagtail.frontendcache"):
        with django_capture_on_commit_callbacks(execute=True):
            GuidePage.objects.get().save_revision().publish()
    took = time.monotonic() - started
    # One wait of the time limit, not one per page (nine pages: 4.5 s), and never for good.
    assert took < 2, took
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and f"{len(EVERY_PAGE)} of {len(EVERY_PAGE)} pages were not purged" in errors[0]


def test_a_proxy_that_refuses_the_connection_is_logged_and_the_publish_goes_through(
    seeded, settings, django_capture_on_commit_callbacks, caplog
):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    settings.WAGTAILFRONTENDCACHE = frontend_cache_settings(("127.0.0.1", port))
    with caplog.at_level(logging.ERROR, logger="wagtail.frontendcache"):
        with django_capture_on_commit_callbacks(execute=True):
            guide = GuidePage.objects.get()
            guide.title = "Published all the same"
            guide.save_revision().publish()
    assert GuidePage.objects.get().live_revision.content["title"] == "Published all the same"
    assert any("did not answer" in record.getMessage() for record in caplog.records)


def test_publishing_a_guide_purges_every_page_that_shows_it(seeded, proxy, django_capture_on_commit_callbacks):
    with override_settings(WAGTAILFRONTENDCACHE=frontend_cache_settings(proxy.server_address)):
        with django_capture_on_commit_callbacks(execute=True):
            guide = GuidePage.objects.get()
            guide.title = "A retitled guide"
            guide.save_revision().publish()
    # The seeded site's hostname is localhost; the proxy is told which site each path belongs to.
    assert sorted(set(proxy.purged)) == sorted(("localhost", path) for path in EVERY_PAGE)


def test_publishing_a_translation_purges_its_pages_in_both_languages_at_the_proxy(
    seeded, proxy, django_capture_on_commit_callbacks
):
    english = GuidePage.objects.get()
    with override_settings(WAGTAILFRONTENDCACHE=frontend_cache_settings(proxy.server_address)):
        with django_capture_on_commit_callbacks(execute=True):
            publish_in_spanish(english)
    purged = {path for _, path in proxy.purged}
    assert purged == {*EVERY_PAGE, "/es/guias/nk-cell-therapy/"}


def test_edited_clinic_settings_purge_every_page(seeded, proxy, django_capture_on_commit_callbacks):
    with override_settings(WAGTAILFRONTENDCACHE=frontend_cache_settings(proxy.server_address)):
        with django_capture_on_commit_callbacks(execute=True):
            clinic = ClinicSettings.load()
            clinic.disclaimer = "A new disclaimer."
            clinic.save()
    assert {path for _, path in proxy.purged} == set(EVERY_PAGE)


def test_nothing_is_purged_until_the_change_is_committed(seeded, proxy, django_capture_on_commit_callbacks):
    # Purging before the commit would let the proxy fetch and keep the old page again.
    with override_settings(WAGTAILFRONTENDCACHE=frontend_cache_settings(proxy.server_address)):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            GuidePage.objects.get().save_revision().publish()
        assert proxy.purged == []
        for callback in callbacks:
            callback()
    assert ("localhost", GUIDE_URL) in proxy.purged


def settings_with(environment):
    env = {key: value for key, value in os.environ.items() if key != "FRONTEND_CACHE_PURGE_URL"}
    env.update(environment, DJANGO_SETTINGS_MODULE="lmi_site.settings.test")
    code = "import django; django.setup(); from django.conf import settings; print(getattr(settings, 'WAGTAILFRONTENDCACHE', None))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_purge_is_switched_on_by_naming_the_proxy_in_the_environment():
    assert settings_with({}) == "None"
    configured = settings_with({"FRONTEND_CACHE_PURGE_URL": "http://127.0.0.1:6081"})
    assert "delivery.frontend_cache.TimeLimitedHTTPBackend" in configured
    assert "'LOCATION': 'http://127.0.0.1:6081'" in configured
