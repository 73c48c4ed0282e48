"""Run the site as production runs it, on loopback: gunicorn, production settings, a throwaway
database, Redis. Shared by the benchmark, the load test and tests/test_scale_out.py."""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def production_env(database_url, redis_url, **extra):
    """The environment production needs (lmi_site/settings/production.py), for loopback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="lmi_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # Plain HTTP on loopback; a real deployment terminates TLS in front (docs/deploy.md).
        SECURE_SSL_REDIRECT="false",
        **extra,
    )
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True)


def fresh_postgres_database(database_url):
    """Drop and recreate the named PostgreSQL database: these scripts only ever use a throwaway one."""
    import psycopg2

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"{database_url}: use a plain throwaway database name (a-z, 0-9, _)")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def empty_redis(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def prepare_site(env, moderator_password=None, spanish_guide=False):
    """Migrate, seed the clinic's content, collect static files, and make a throwaway Moderator
    "loadtest", who publishes: the least a publish needs, and no second factor to sign in with
    (production asks one of superusers; consultations/). With spanish_guide, the guide's Spanish
    version is published through Medical review by stand-in staff (benchmarks/spanish_guide.py)."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_content")
    if spanish_guide:
        publish = "from benchmarks.spanish_guide import publish_in_spanish; publish_in_spanish()"
        manage(env, "shell", "-v0", "-c", publish)
    collect_static(env)
    if moderator_password:
        create = (
            "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
            f"user = get_user_model().objects.create_user('loadtest', 'loadtest@example.com', {moderator_password!r}); "
            "user.groups.add(Group.objects.get(name='Moderators'))"
        )
        manage(env, "shell", "-c", create)


def collect_static(env):
    """WhiteNoise serves production's static files from STATIC_ROOT, with hashed names."""
    manage(env, "collectstatic", "--noinput", "-v0")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, workers=2, port=None, threads=1, log=None):
    """A gunicorn serving the site on 127.0.0.1; yields its base URL and stops it afterwards.
    Its log (the site's warnings and errors) goes to the open file `log` if given."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "lmi_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                said = process.stderr.read()[-3000:] if process.stderr else "(see its log)"
                raise RuntimeError(f"gunicorn stopped before it served: {said}")
            try:
                requests.get(base + "/", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 60 seconds") from None
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RedisServer:
    """A redis-server of one's own on a free loopback port, to kill, stall and restart.

    Nothing is saved to disk, so a restart comes back empty, as a cache host replaced by a fresh
    one does; a stall (SIGSTOP) keeps everything, as a host under memory pressure or behind a
    network partition does."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port)]
        command += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=1).ping()
                return self
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stall(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


@contextmanager
def redis_server(workdir):
    """A RedisServer, started, and stopped afterwards whatever state it was left in."""
    server = RedisServer(workdir).start()
    try:
        yield server
    finally:
        server.stop()


class AdminSession:
    """A staff member using the Wagtail admin over HTTP, as a browser would.

    Production marks cookies Secure; on plain loopback HTTP the proxy's X-Forwarded-Proto header
    stands in for TLS, and the cookies are sent by hand since HTTP clients keep Secure ones back.
    """

    def __init__(self, base):
        self.base = base
        self.cookies = {}
        secure_origin = "https://" + urlsplit(base).netloc
        self.headers = {"X-Forwarded-Proto": "https", "Origin": secure_origin}
        self.secure_origin = secure_origin

    def request(self, method, path, **kwargs):
        headers = dict(self.headers, Referer=self.secure_origin + path)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def csrf_token(self, path):
        response = self.request("GET", path)
        response.raise_for_status()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        if not match:
            raise RuntimeError(f"{path}: no CSRF token in the form")
        return match.group(1)

    def log_in(self, username, password):
        token = self.csrf_token("/admin/login/")
        response = self.request(
            "POST", "/admin/login/", data={"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if response.status_code != 302:
            raise RuntimeError(f"admin login as {username!r} was refused (HTTP {response.status_code})")

    def publish(self, page_id):
        """Publish the page's latest revision with the admin's Publish action; returns when it has."""
        path = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}"
        token = self.csrf_token(path)
        response = self.request("POST", path, data={"csrfmiddlewaretoken": token})
        if response.status_code != 302:
            raise RuntimeError(f"publish failed: {response.status_code} {response.text[:500]}")


VCL = PROJECT_DIR / "deploy" / "varnish.vcl"
COMMITTED_BACKEND = '.host = "127.0.0.1";\n    .port = "8000";'


def varnishd_path():
    found = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)
    if found is None:
        raise RuntimeError("varnishd is not installed: `make test` and `make bench` install Debian's varnish package")
    return found


def varnishd_command(*arguments):
    """varnishd with the given arguments, run as whoever runs it (-j none).

    Started by root, varnishd otherwise reads its VCL and works as its own unprivileged user,
    which cannot reach a checkout in a private (0700) folder, a home or `mktemp -d`."""
    return [varnishd_path(), "-j", "none", *arguments]


@contextmanager
def varnishd(backend_port, port, workdir):
    """varnishd running the committed VCL with only the backend's port changed; yields its base URL."""
    vcl = VCL.read_text()
    assert vcl.count(COMMITTED_BACKEND) == 1, "deploy/varnish.vcl's backend must default to 127.0.0.1:8000"
    workdir.mkdir()
    vcl_copy = workdir / "varnish.vcl"
    vcl_copy.write_text(vcl.replace('.port = "8000";', f'.port = "{backend_port}";'))
    log = (workdir / "varnishd.log").open("w")
    command = varnishd_command("-F", "-n", str(workdir / "instance"), "-a", f"127.0.0.1:{port}")
    command += ["-T", "none", "-f", str(vcl_copy), "-s", "malloc,64m"]
    command += ["-p", "thread_pools=1", "-p", "thread_pool_min=10"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError("varnishd stopped: " + (workdir / "varnishd.log").read_text()[-3000:])
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("varnishd did not answer within 30 seconds")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
