"""`make serve` started by a test, as production starts it, and stopped with all it started."""

import os
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.conf import settings


@contextmanager
def make_serve(env, port, log_path, is_up):
    """`make serve` on `port` with `env`, its output in `log_path`: yields its process once `is_up()`
    stops raising OSError (migrate, seed and gunicorn take seconds), and stops its process group after."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"PORT={port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            while True:
                try:
                    is_up()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("make serve did not start:\n" + log_path.read_text())
                    time.sleep(0.3)
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
