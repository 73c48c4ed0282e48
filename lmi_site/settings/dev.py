"""Local development: debug pages on, a fixed key that production never accepts."""

from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-never-used-in-production"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Serve static files from the source folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# `make run` serves with runserver while scheduled publishing runs in a process of its own, and a
# management command or a second runserver may change content too. Without Redis, the page cache
# (and the generation token that invalidates it, delivery/cache.py) must be one every such process
# reads: files on disk, beside the SQLite database they belong to, like its -wal and -shm files.
# Memory of one process (LocMemCache) would keep the web server's copies after the scheduler's
# publish replaced the token in its own memory only.
if not REDIS_URL:  # noqa: F405
    _database = DATABASES["default"]  # noqa: F405
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _cache_folder = f"{_database['NAME']}-cache"
    else:
        _server = f"{_database['HOST'] or 'local'}-{_database['PORT'] or 'default'}"
        _cache_folder = BASE_DIR / ".dev-cache" / f"{_server}-{_database['NAME']}"  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(_cache_folder),
            # Culling drops a third of the files at random; a dropped token only means fresh pages.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
