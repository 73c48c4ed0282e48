"""Counting as production runs it: `make serve` (gunicorn, its access log) behind Debian's varnishd with
deploy/varnish.vcl, a Redis server of the module's own and a private database.

A known set of visits through Varnish (pages from Varnish's copy, counts passed to the app, with
JavaScript and without, robots, the health check, repeats) gives the report's numbers; afterwards
nothing in the database, the server's log or the cache names the reader.
"""

import http.client
import os
import re
import subprocess
import sys

import pytest
import redis

from benchmarks.harness import PROJECT_DIR, AdminSession, free_port, redis_server, varnishd
from impact.tests.support import CHROME, FIREFOX, GOOGLEBOT, SAFARI, through_varnish
from tests.serving import make_serve
from tests.support import GUIDE_URL
from tests.throwaway import throwaway_database

PASSWORD = "a-long-impact-test-password"
MODERATOR = "moderator"
# Readers' own addresses: Varnish sees each connection come from one and names it to the app.
READER_A, READER_B = "127.0.31.7", "127.0.42.9"
PROBE = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 PrivacyProbe/7.1 Firefox/133.0"


class Stack:
    def __init__(self, env, app_port, varnish, log, redis_url):
        self.env, self.app_port, self.varnish, self.log, self.redis_url = env, app_port, varnish, log, redis_url
        self.varnish_port = int(varnish.rsplit(":", 1)[1])

    def request(self, method, path, agent, source="127.0.0.1", headers=None):
        """One request through Varnish from a reader's own address; (response, body)."""
        return through_varnish(self.varnish_port, method, path, agent, source, headers)

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_DIR,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "lmi_site.settings.production"},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return result.stdout


def answered(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("impact")
    port = free_port()
    with redis_server(tmp_path / "redis") as cache_server, throwaway_database(tmp_path) as (database_url, _):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
        env.update(
            SECRET_KEY="a-secret-for-this-test-only-" + "z" * 40,
            ALLOWED_HOSTS="localhost,127.0.0.1",
            DATABASE_URL=database_url,
            REDIS_URL=cache_server.url,
            STATIC_ROOT=str(tmp_path / "static"),
            MEDIA_ROOT=str(tmp_path / "media"),
            WEB_CONCURRENCY="2",
            SECURE_SSL_REDIRECT="false",
            # Varnish in front: its X-Forwarded-For names the reader (docs/deploy.md).
            TRUSTED_PROXY_COUNT="1",
        )
        log_path = tmp_path / "serve.log"
        with make_serve(env, port, log_path, lambda: answered(port)):
            with varnishd(port, free_port(), tmp_path / "varnishd") as varnish:
                stack = Stack(env, port, varnish, log_path, cache_server.url)
                moderator = (
                    "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
                    f"user = get_user_model().objects.create_user({MODERATOR!r}, 'm@example.com', {PASSWORD!r}); "
                    "user.groups.add(Group.objects.get(name='Moderators'))"
                )
                stack.manage("shell", "-c", moderator)
                yield stack


@pytest.fixture(scope="module")
def visited(stack):
    """The known visits, through Varnish, all today; returns the guide's count addresses."""
    page, body = stack.request("GET", GUIDE_URL, CHROME, READER_A)
    assert page.status == 200
    view = re.search(rb'data-count-view="(/count/[0-9]+/view)"', body)
    assert view, "the guide has no counter"
    view = view.group(1).decode()
    end = view.replace("/view", "/end")

    def reader(agent, source, javascript=True, reaches_end=True):
        page, _ = stack.request("GET", GUIDE_URL, agent, source)
        assert page.status == 200
        count, _ = stack.request("POST" if javascript else "GET", view, agent, source)
        assert count.status == 204, count.status
        assert count.getheader("X-Cache") == "pass"  # Varnish never answers a count itself
        if javascript and reaches_end:
            assert stack.request("POST", end, agent, source)[0].status == 204
        return page

    reader(CHROME, READER_A)  # A reads to the end with JavaScript
    assert reader(CHROME, READER_A).getheader("X-Cache") == "hit"  # and again: Varnish's copy, the same reader
    reader(FIREFOX, READER_B, javascript=False)  # B without JavaScript: the image's GET
    reader(SAFARI, READER_A, reaches_end=False)  # C, on A's connection, another browser
    reader(GOOGLEBOT, "127.0.66.1")  # a robot
    assert stack.request("GET", "/healthz", "ELB-HealthChecker/2.0")[0].status == 200
    reader(PROBE, "127.0.77.77")  # D, the privacy probe, reads to the end
    return view


def test_visits_through_varnish_give_the_reports_numbers(stack, visited):
    editor = AdminSession(stack.varnish)
    editor.log_in(MODERATOR, PASSWORD)
    guide_id = visited.split("/")[2]
    response = editor.request("GET", f"/admin/reports/guide-impact/{guide_id}/?export=csv")
    assert response.status_code == 200, response.status_code
    header, last_30, *_ = [line.split(",") for line in response.text.splitlines()]
    row = dict(zip(header, last_30, strict=True))
    assert row["Period"] == "Last 30 days"
    # Views: A twice, B, C, D; readers: A, B, C, D; the end: A (once a day) and D.
    assert (row["Views"], row["Readers"], row["Reached the end"]) == ("5", "4", "2")
    assert row["Reached the end (% of readers)"] == "50"


def test_after_counted_visits_nothing_stored_or_logged_names_a_reader(stack, visited):
    secrets_ = [READER_A, READER_B, "127.0.77.77", PROBE, "PrivacyProbe"]
    # The database, whole.
    dump = stack.manage("dumpdata", "--all")
    assert '"model": "impact.dailyfigures"' in dump
    # The server's log: gunicorn's access log (one line per request, counts included) and the site's.
    log = stack.log.read_text()
    assert re.search(r'"POST /count/[0-9]+/view" 204', log) and re.search(r'"GET /count/[0-9]+/view" 204', log)
    # The cache holds the day's counts and hashes, never what they were made from.
    cache = redis.Redis.from_url(stack.redis_url)
    held = b"\n".join(key + b" " + (cache.dump(key) or b"") for key in cache.scan_iter())
    assert b"impact:reader:" in held
    for secret in secrets_:
        assert secret not in dump, secret
        assert secret not in log, secret
        assert secret.encode() not in held, secret
