"""Wagtail's frontend-cache invalidation tells a caching proxy to drop pages, over real HTTP."""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import override_settings

from pages.models import ClinicSettings, GuidePage
from tests.support import GUIDE_URL

# Every live page: the home page, the guides, and the consultation and privacy pages.
EVERY_PAGE = ["/", "/consultation/", "/guides/", GUIDE_URL, "/privacy/"]


class PurgeRecorder(BaseHTTPRequestHandler):
    """A stand-in proxy that only records the PURGE requests it receives."""

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.server.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def frontend_cache_settings(proxy):
    host, port = proxy.server_address
    return {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://{host}:{port}",
        }
    }


def test_publishing_a_guide_purges_every_page_that_shows_it(seeded, proxy, django_capture_on_commit_callbacks):
    with override_settings(WAGTAILFRONTENDCACHE=frontend_cache_settings(proxy)):
        with django_capture_on_commit_callbacks(execute=True):
            guide = GuidePage.objects.get()
            guide.title = "A retitled guide"
            guide.save_revision().publish()
    # The seeded site's hostname is localhost; the proxy is told which site each path belongs to.
    assert sorted(set(proxy.purged)) == sorted(("localhost", path) for path in EVERY_PAGE)


def test_edited_clinic_settings_purge_every_page(seeded, proxy, django_capture_on_commit_callbacks):
    with override_settings(WAGTAILFRONTENDCACHE=frontend_cache_settings(proxy)):
        with django_capture_on_commit_callbacks(execute=True):
            clinic = ClinicSettings.load()
            clinic.disclaimer = "A new disclaimer."
            clinic.save()
    assert {path for _, path in proxy.purged} == set(EVERY_PAGE)


def test_nothing_is_purged_until_the_change_is_committed(seeded, proxy, django_capture_on_commit_callbacks):
    # Purging before the commit would let the proxy fetch and keep the old page again.
    with override_settings(WAGTAILFRONTENDCACHE=frontend_cache_settings(proxy)):
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
    assert "wagtail.contrib.frontend_cache.backends.HTTPBackend" in configured
    assert "'LOCATION': 'http://127.0.0.1:6081'" in configured
