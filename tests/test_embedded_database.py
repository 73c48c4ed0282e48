"""The embedded default (SQLite, as `make run` sets it up) under one editor's normal use.

An editor's browser sends autosaves, preview requests and editing-session pings at once, while
readers load pages. Each is a transaction, many read before they write; SQLite allows one writer
at a time. This runs the site in several processes and threads against one SQLite file, as
`make run` and a small `make serve` would, and sends that mix at once.
"""

import secrets
import subprocess
import sys
import threading

import pytest
import requests

from benchmarks.harness import PROJECT_DIR, AdminSession, gunicorn, prepare_site, production_env
from tests.support import GUIDE_URL

PASSWORD = "a-long-sqlite-test-password"


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "site.sqlite3"
    # No Redis: nothing shared but the SQLite file, the thing under test.
    env = production_env(f"sqlite:///{path}", "", STATIC_ROOT=str(path.parent / "static"))
    prepare_site(env, moderator_password=PASSWORD)
    return env


def guide_id_in(env):
    code = "from pages.models import GuidePage; print(GuidePage.objects.get().pk)"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    return int(done.stdout.split()[-1])


def test_concurrent_edits_previews_and_reads_never_meet_a_locked_database(sqlite_site):
    # Processes, not threads: Wagtail's rich-text converter is shared and not thread-safe.
    with gunicorn(sqlite_site, workers=4) as base:
        editor = AdminSession(base)
        editor.log_in("loadtest", PASSWORD)
        guide_id = guide_id_in(sqlite_site)
        statuses, failures = [], []

        def write():
            # Publishing the guide: reads the page, then writes a revision, the page and the log.
            editor.publish(guide_id)

        def open_editor():
            # Opening the editor records an editing session: a write, as Wagtail's pings are.
            statuses.append(editor.request("GET", f"/admin/pages/{guide_id}/edit/").status_code)

        def read():
            # A query string keeps it out of the page cache, so every request reads the database.
            statuses.append(requests.get(f"{base}{GUIDE_URL}?v={secrets.token_hex(4)}", timeout=60).status_code)

        def run(action):
            try:
                for _ in range(4):
                    action()
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures.append(repr(error))

        threads = [threading.Thread(target=run, args=(action,)) for action in [write, open_editor, read] * 4]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert failures == []
        assert statuses and set(statuses) == {200}, statuses
