"""What a developer meets on their own machine: `make run`'s log and the Makefile's own checks."""

import os
import subprocess
import sys

from django.conf import settings


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


def test_make_run_serves_the_site_with_scheduled_publishing_beside_it_and_stops_both(tmp_path):
    import signal
    import time
    import urllib.request

    from tests.test_production_server import children, command_line, free_port

    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "DJANGO_", "REDIS_URL"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}", PORT=str(port))
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
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
        (shell,) = children(process.pid)
        programs = " ".join(command_line(pid).replace("\x00", " ") for pid in children(shell))
        assert "manage.py publish_on_schedule --every 30" in programs
        assert "manage.py runserver" in programs
        scheduler = next(pid for pid in children(shell) if "publish_on_schedule" in command_line(pid))
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal
        process.wait(timeout=30)
        log.close()
    for _ in range(50):
        if not os.path.exists(f"/proc/{scheduler}"):
            break
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{scheduler}"), "the scheduler outlived make run"
