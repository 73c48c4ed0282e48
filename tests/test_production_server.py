"""`make serve` for real: gunicorn under production settings, over HTTP, against a private database.

One server start covers the production server's promises: the documented command starts it with
the workers the environment asks for; static files are compressed, hashed and cached for a year;
the security headers are sent; malformed and oversized requests get short answers with nothing
from inside; a guide scheduled in advance goes live on time and leaves no stale copy in the caches;
and on PostgreSQL, a database that goes away and comes back.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from delivery.tests.test_frontend_cache import PurgeRecorder
from tests.serving import make_serve
from tests.support import GUIDE_URL, redis_for_test
from tests.throwaway import execute, on_postgresql, throwaway_database

# The smallest PNG: one white pixel.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4f10000000049454e44ae426082"
)
LEAKS = ("Traceback", "SECRET_KEY", "DATABASE", "SELECT ", 'File "', "django.", "psycopg", "sqlite3")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid):
    """Process ids whose parent is pid, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Server:
    def __init__(self, port):
        self.port = port

    def get(self, path, headers=None, proto="https"):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        all_headers = {"Host": "localhost", **({"X-Forwarded-Proto": proto} if proto else {}), **(headers or {})}
        connection.request("GET", path, headers=all_headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body


@pytest.fixture(scope="module")
def tmp_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def caching_proxy():
    """Stands in for Varnish: records the PURGE requests the site sends it."""
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    proxy.purged = []
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


@pytest.fixture(scope="module")
def production_env(tmp_folder, caching_proxy):
    tmp_path = tmp_folder
    redis_url = redis_for_test(5)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with throwaway_database(tmp_path) as (database_url, name):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
        env.update(
            SECRET_KEY="a-secret-for-this-test-only-" + "y" * 40,
            ALLOWED_HOSTS="localhost",
            DATABASE_URL=database_url,
            STATIC_ROOT=str(tmp_path / "static"),
            MEDIA_ROOT=str(tmp_path / "media"),
            WEB_CONCURRENCY="2",
            GUNICORN_TIMEOUT="20",
            SCHEDULE_CHECK_SECONDS="5",
            REDIS_URL=redis_url,
            FRONTEND_CACHE_PURGE_URL=f"http://127.0.0.1:{caching_proxy.server_port}",
        )
        yield env, name


@pytest.fixture(scope="module")
def server(production_env, tmp_folder):
    """One server for the module, started on an empty database as on a first deploy: make serve
    migrates it and builds the clinic's site (collectstatic, migrate, seed, gunicorn take seconds)."""
    tmp_path = tmp_folder
    env, name = production_env
    port = free_port()
    server = Server(port)
    with make_serve(env, port, tmp_path / "serve.log", lambda: server.get("/static/none")) as process:
        server.process, server.database, server.log, server.env = process, name, tmp_path / "serve.log", env
        yield server


def assert_calm(body):
    text = body.decode(errors="replace")
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} in the response:\n{text[:2000]}"


def command_line(pid):
    return Path(f"/proc/{pid}/cmdline").read_text()


def test_make_serve_runs_gunicorn_with_the_workers_and_static_files_asked_for(server, tmp_folder):
    # The recipe's shell runs gunicorn and, beside it, scheduled publishing.
    (shell,) = children(server.process.pid)
    by_program = {
        ("gunicorn" if "gunicorn" in command_line(pid) else command_line(pid)): pid for pid in children(shell)
    }
    assert "manage.py\x00publish_on_schedule\x00--every\x005" in "".join(by_program)
    master = by_program["gunicorn"]
    assert "--timeout\x0020" in Path(f"/proc/{master}/cmdline").read_text()
    assert len(children(master)) == 2

    response, body = server.get("/")
    assert response.status == 200
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the page links the hashed stylesheet written by collectstatic"
    assert (tmp_folder / "static" / stylesheet.group(1).decode().removeprefix("/static/")).exists()

    response, css = server.get(stylesheet.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    cache = response.getheader("Cache-Control")
    assert "max-age=315360000" in cache and "immutable" in cache
    # The unhashed name is still served, but only briefly cached, since its content can change.
    response, _ = server.get("/static/css/site.css")
    assert "immutable" not in response.getheader("Cache-Control")


def test_on_an_empty_database_make_serve_builds_the_clinics_site_and_only_once(server, tmp_folder):
    """A first deploy: no Wagtail welcome page, no 404 for the guide (issue 18)."""
    response, body = server.get("/")
    assert response.status == 200 and b"Welcome to your new Wagtail site" not in body
    response, body = server.get(GUIDE_URL)
    assert response.status == 200 and b"NK Cell Therapy" in body
    log = server.log.read_text()
    assert "Home page: created" in log
    # It starts, and tells the operator what patients must have first (the privacy notice's legal name).
    assert "(consultations.E001) The privacy notice of" in log
    assert "The site starts, but is not ready for patients" in log
    # The next start finds the content and leaves it alone (tests/test_seeding.py covers what it keeps).
    env = dict(server.env, DJANGO_SETTINGS_MODULE="lmi_site.settings.production")
    again = subprocess.run(
        [sys.executable, "manage.py", "seed_content", "--if-empty"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0 and "nothing was seeded" in again.stdout, again.stderr


def test_production_sends_the_security_headers_and_redirects_plain_http(server):
    response, body = server.get("/guides/nk-cell-therapy/")
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    policy = dict(part.strip().split(" ", 1) for part in response.getheader("Content-Security-Policy").split(";"))
    assert policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"

    response, _ = server.get("/admin/login/")
    cookies = response.getheader("Set-Cookie")
    assert "csrftoken=" in cookies and "Secure" in cookies

    # A load balancer's health check reaches the instance over plain HTTP and is answered there.
    response, body = server.get("/healthz", proto=None)
    assert response.status == 200 and b'"database": "ok", "cache": "ok"' in body

    # Without the proxy's X-Forwarded-Proto: https, the visitor is sent to https.
    response, _ = server.get("/guides/", proto=None)
    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/guides/"


def test_without_a_bucket_the_pictures_pages_show_are_served_from_disk_and_nothing_else_is(server, tmp_folder):
    media = tmp_folder / "media"
    for folder in ("images", "original_images", "documents"):
        (media / folder).mkdir(parents=True, exist_ok=True)
    picture = PNG_1X1
    (media / "images" / "photo.width-672.png").write_bytes(picture)
    (media / "original_images" / "photo.png").write_bytes(picture)  # may carry the camera's GPS
    (media / "documents" / "leaflet.pdf").write_bytes(b"%PDF-1.4")

    response, body = server.get("/media/images/photo.width-672.png")
    assert response.status == 200 and body == picture
    assert response.getheader("Content-Type") == "image/png"
    assert response.getheader("Cache-Control") == "public, max-age=86400, s-maxage=300"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    # Originals, documents (Wagtail's view checks their privacy), folders and escapes are not.
    for path in (
        "/media/original_images/photo.png",
        "/media/documents/leaflet.pdf",
        "/media/images/",
        "/media/images/../original_images/photo.png",
        "/media/images/%2e%2e/original_images/photo.png",
        "/media/images/nothing.png",
    ):
        response, body = server.get(path)
        assert response.status == 404, path
        assert_calm(body)


def test_malformed_and_oversized_requests_get_short_answers_with_nothing_from_inside(server):
    for path in ("/%ff%fe/", "/..%2f..%2fetc/passwd", "/guides/%00/", "/" + "a" * 5000):
        response, body = server.get(path)
        assert 400 <= response.status < 500, path[:100]
        assert_calm(body)
    # A query string the site does not use changes nothing, however odd.
    for query in (
        "?q=%zz&page=-1'\"",
        "?" + "&".join(f"f{n}=x" for n in range(300)),
        "?%00=%ff",
        "?a=<script>x</script>",
    ):
        response, body = server.get("/guides/" + query)
        assert response.status == 200, query[:100]
        assert b"<script>x</script>" not in body
        assert_calm(body)
    response, body = server.get("/no-such-page/")
    assert response.status == 404 and b"Page not found" in body
    response, body = server.get("/", {"X-Oversized": "a" * 20_000})
    assert 400 <= response.status < 500
    assert_calm(body)
    response, body = server.get("/", {"Host": "attacker.example"})
    assert response.status == 400
    assert_calm(body)


def test_a_guide_scheduled_a_minute_ahead_goes_live_on_time_and_is_purged_from_the_caches(server, caching_proxy):
    for _ in range(2):
        response, body = server.get(GUIDE_URL)
    assert response.getheader("X-Page-Cache") == "hit"
    # Staff choose "Go live at" a minute ahead and press Publish: Wagtail keeps the revision for later.
    schedule = (
        "import datetime; from django.utils import timezone; from pages.models import GuidePage; "
        "guide = GuidePage.objects.get(); guide.title = 'A correction scheduled in advance'; "
        "guide.go_live_at = timezone.now() + datetime.timedelta(seconds=60); "
        "revision = guide.save_revision(); revision.publish(); "
        "print(GuidePage.objects.get().title, revision.approved_go_live_at is not None)"
    )
    env = dict(server.env, DJANGO_SETTINGS_MODULE="lmi_site.settings.production")
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", schedule], cwd=settings.BASE_DIR, env=env, capture_output=True
    )
    assert done.stdout.decode().strip().endswith("A Patient's Guide to NK Cell Therapy True"), done.stderr.decode()
    scheduled_at = time.monotonic()
    caching_proxy.purged.clear()

    while b"A correction scheduled in advance" not in server.get(GUIDE_URL)[1]:
        assert time.monotonic() - scheduled_at < 120, "the scheduled change was not published within two minutes"
        time.sleep(1)
    assert time.monotonic() - scheduled_at > 50, "published before the time staff chose"
    assert ("localhost", GUIDE_URL) in caching_proxy.purged
    response, body = server.get("/guides/")
    assert b"A correction scheduled in advance" in body


def test_when_postgresql_goes_away_pages_answer_503_and_recover_by_themselves(server):
    if not on_postgresql():
        # SQLite has no server to lose; tests/test_database_outage.py covers it in-process.
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        return
    assert server.get("/")[0].status == 200

    # Every persistent connection is cut, as when PostgreSQL restarts: the health check reconnects.
    execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{server.database}'")
    for _ in range(4):
        assert server.get("/guides/")[0].status == 200

    # The database refuses connections for a while.
    execute(f'ALTER DATABASE "{server.database}" ALLOW_CONNECTIONS false')
    execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{server.database}'")
    # What needs the database answers 503: search, the admin, a page not in the cache...
    for path in ("/search/?q=nk", "/admin/login/", "/guides/not-yet-cached/"):
        response, body = server.get(path)
        assert response.status == 503, path
        assert response.getheader("Retry-After") == "30"
        assert b"The guides are briefly unavailable" in body
        assert_calm(body)

    response, body = server.get("/healthz", proto=None)
    assert response.status == 503 and b'"database": "unavailable", "cache": "ok"' in body

    # ...while a page already in the shared cache is still served to readers.
    response, body = server.get("/")
    assert response.status == 200 and response.getheader("X-Page-Cache") == "hit"

    execute(f'ALTER DATABASE "{server.database}" ALLOW_CONNECTIONS true')
    for _ in range(4):
        response, body = server.get("/guides/nk-cell-therapy/")
        assert response.status == 200
        assert b"Natural Killer (NK) cells" in body
