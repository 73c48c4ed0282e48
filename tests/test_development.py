"""What a developer meets on their own machine: `make run`'s log and the Makefile's own checks."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings

from tests.support import GUIDE_URL
from tests.test_production_server import children, command_line, free_port


def test_each_log_line_is_printed_once_in_development():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="lmi_site.settings.dev")
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /a-line-to-count/'); "
        "logging.getLogger('pages').warning('a line of our own')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /a-line-to-count/") == 1
    assert result.stderr.count("a line of our own") == 1


def test_make_restore_without_a_backup_says_so_before_touching_any_database(tmp_path):
    database = tmp_path / "untouched.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "DJANGO_"))}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    for arguments in ([], ["BACKUP=" + str(tmp_path / "no-such-backup.tar.gz")]):
        result = subprocess.run(
            ["make", "--no-print-directory", "restore", *arguments],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2
        assert ("Say which backup" if not arguments else "No backup file at") in result.stdout
        assert "migrate" not in result.stdout + result.stderr
        assert not database.exists()


@contextlib.contextmanager
def make_run(tmp_path, **variables):
    """`make run` on its own SQLite database, as a developer starts it; stopped as Ctrl+C stops it.

    Yields (process, port, database_url) once the guide list answers."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "DJANGO_", "REDIS_URL"))}
    database_url = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    env.update(DATABASE_URL=database_url, PORT=str(port), **variables)
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # A terminal's shell starts make with Ctrl+C's default action; a test runner started in the
        # background (nohup, `&`) passes on "ignore Ctrl+C", and make run would then never stop.
        preexec_fn=lambda: [signal.signal(signum, signal.SIG_DFL) for signum in (signal.SIGINT, signal.SIGQUIT)],
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/guides/", timeout=10) as response:
                    assert response.status == 200
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "run.log").read_text()
                time.sleep(0.5)
        yield process, port, database_url
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Say which process would not stop, then stop them all so nothing outlives the test.
            left = subprocess.run(
                ["ps", "-o", "pid,stat,etime,wchan:20,args", "-g", str(process.pid)], capture_output=True, text=True
            )
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            raise AssertionError(f"make run did not stop within 30 s of Ctrl+C:\n{left.stdout}") from None
        finally:
            log.close()


def in_the_database_of(database_url, code):
    """Python run by Django against another process's database (make run's); the words of its last line."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_URL"))}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="lmi_site.settings.dev")
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1].split()


def test_make_run_serves_the_site_with_scheduled_publishing_beside_it_and_stops_both(tmp_path):
    with make_run(tmp_path) as (process, port, _):
        (shell,) = children(process.pid)
        programs = " ".join(command_line(pid).replace("\x00", " ") for pid in children(shell))
        assert "manage.py publish_on_schedule --every 30" in programs
        assert "manage.py runserver" in programs
        scheduler = next(pid for pid in children(shell) if "publish_on_schedule" in command_line(pid))
    for _ in range(50):
        if not os.path.exists(f"/proc/{scheduler}"):
            break
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{scheduler}"), "the scheduler outlived make run"


def test_under_make_run_a_scheduled_change_reaches_anonymous_readers_soon_after_go_live(tmp_path):
    """runserver and the scheduler are separate processes: the scheduler's publish must reach the
    copies the web server keeps for anonymous readers (issue 18: they kept the old page)."""
    check_every = 2
    with make_run(tmp_path, SCHEDULE_CHECK_SECONDS=str(check_every)) as (process, port, database_url):
        guide = f"http://127.0.0.1:{port}{GUIDE_URL}"

        def read():
            with urllib.request.urlopen(guide, timeout=20) as response:
                return response.headers.get("X-Page-Cache"), response.read().decode()

        read()
        cached, body = read()
        assert cached == "hit" and "A correction scheduled in advance" not in body
        # As an editor does in the admin: "Go live at" a few seconds ahead, then Publish; Wagtail
        # keeps the approved revision until then. Done with Django against make run's own database.
        schedule = (
            "import datetime; from django.utils import timezone; from pages.models import GuidePage; "
            "guide = GuidePage.objects.get(); guide.title = 'A correction scheduled in advance'; "
            "guide.go_live_at = timezone.now() + datetime.timedelta(seconds=8); "
            "revision = guide.save_revision(); revision.publish(); "
            "print(guide.go_live_at.timestamp(), GuidePage.objects.get().live_revision_id != revision.pk)"
        )
        go_live_at, still_waiting = in_the_database_of(database_url, schedule)
        assert still_waiting == "True"
        cached, body = read()
        assert time.time() < float(go_live_at), "the check came too late to see the page before go-live"
        assert cached == "hit" and "A correction scheduled in advance" not in body

        while "A correction scheduled in advance" not in read()[1]:
            late = time.time() - float(go_live_at)
            assert late < 3 * check_every + 10, (
                "anonymous readers still got the old page after go-live:\n" + (tmp_path / "run.log").read_text()
            )
            time.sleep(0.5)
        assert time.time() >= float(go_live_at), "published before the time chosen"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/guides/", timeout=20) as response:
            assert "A correction scheduled in advance" in response.read().decode()
