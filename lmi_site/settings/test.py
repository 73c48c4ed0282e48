"""Tests: the same stack as production where it matters, fast where it does not."""

import os

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Staff in other tests sign in with a password only; tests/test_second_factor.py and its browser
# test turn the second factor on and prove it is required.
SECOND_FACTOR_REQUIRED = False

# WhiteNoise serves the source static files directly, so a crawl can find a missing one.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", BASE_DIR / "test-media")  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as `make run` has, rather than SQLite's shared in-memory database: the browser tests'
    # live server answers an editor's autosave, preview and pings at once, and an in-memory
    # database shared between threads answers "table is locked" where a file's waits its turn.
    # TEST_SQLITE_NAME lets two test runs in one checkout keep apart.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME", str(BASE_DIR / "test-db.sqlite3"))}  # noqa: F405
