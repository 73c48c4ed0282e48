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
