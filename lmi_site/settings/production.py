"""Production: every secret comes from the environment; missing ones stop the start."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403

REQUIRED_ENVIRONMENT = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
_missing = [name for name in REQUIRED_ENVIRONMENT if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables, which are missing or empty: " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = [host.strip() for host in os.environ["ALLOWED_HOSTS"].split(",") if host.strip()]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# The proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
# Load balancers probe the instances directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# DENY: Wagtail's preview views set SAMEORIGIN on themselves, the one page the admin frames.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _environment_flag(name, default):
    value = os.environ.get(name, "").strip().lower() or default
    if value not in ("true", "false"):
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")
    return value == "true"


# A database that accepts connections but does not answer must not hold a worker for gunicorn's
# 30 s: connecting gives up after DATABASE_CONNECT_TIMEOUT_SECONDS, and PostgreSQL cancels any
# statement (a lock wait included) after DATABASE_STATEMENT_TIMEOUT_SECONDS. Either way the
# reader gets the calm 503 page (lmi_site/middleware.py) and a patient their form back.
def _seconds(name, default, low, high):
    value = os.environ.get(name, "").strip() or default
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not low <= number <= high:
        raise ImproperlyConfigured(f"{name} must be a number of seconds from {low} to {high}, not {value!r}.")
    return number


DATABASE_CONNECT_TIMEOUT_SECONDS = int(_seconds("DATABASE_CONNECT_TIMEOUT_SECONDS", "3", 2, 20))
DATABASE_STATEMENT_TIMEOUT_SECONDS = _seconds("DATABASE_STATEMENT_TIMEOUT_SECONDS", "5", 1, 25)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT_SECONDS
    # A connection already open when the database host drops off the network (nothing acknowledged
    # any more) is given up after the same time as a statement, not left to gunicorn's timeout.
    _options["tcp_user_timeout"] = int(DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)
    _options.update(keepalives=1, keepalives_idle=30, keepalives_interval=5, keepalives_count=3)
    _statement_timeout = f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)}"
    _options["options"] = f"{_options.get('options', '')} {_statement_timeout}".strip()

# Mail (review reminders, Wagtail's workflow notices) goes through the clinic's mail server.
# Without EMAIL_HOST nothing is sent, and the log says so (lmi_site/mail.py).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
if EMAIL_HOST:
    DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if not DEFAULT_FROM_EMAIL:
        raise ImproperlyConfigured(
            "EMAIL_HOST is set, so DEFAULT_FROM_EMAIL is needed too: the address the site's mail comes from."
        )
    _port = os.environ.get("EMAIL_PORT", "").strip() or "587"
    if not _port.isdigit() or not 0 < int(_port) < 65536:
        raise ImproperlyConfigured(f"EMAIL_PORT must be a port number, not {_port!r}.")
    EMAIL_PORT = int(_port)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = _environment_flag("EMAIL_USE_SSL", "false")
    EMAIL_USE_TLS = _environment_flag("EMAIL_USE_TLS", "false" if EMAIL_USE_SSL else "true")
    if EMAIL_USE_SSL and EMAIL_USE_TLS:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
    # A slow mail server must not keep a patient waiting: coordinators are emailed after the
    # patient's answer has been sent (consultations/notifications.py), and never for longer than this.
    EMAIL_TIMEOUT = 5
    SERVER_EMAIL = WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
else:
    EMAIL_BACKEND = "lmi_site.mail.UnconfiguredEmailBackend"

# Where collectstatic writes and uploads are kept on disk, if not the project folder.
STATIC_ROOT = os.environ.get("STATIC_ROOT", STATIC_ROOT)  # noqa: F405
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405

# Uploaded images and documents go to S3-compatible storage when a bucket is named; otherwise
# to MEDIA_ROOT. Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
if os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
    from botocore.config import Config

    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
                "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
                # Uploads are private by default; pages link to signed, expiring addresses.
                "default_acl": None,
                "querystring_auth": not os.environ.get("AWS_S3_CUSTOM_DOMAIN"),
                "file_overwrite": False,
                "client_config": Config(**MEDIA_STORAGE_CLIENT_CONFIG),  # noqa: F405
            },
        },
    }
    # Images then come from the bucket's address, which the page's policy must allow.
    _media_origin = (
        os.environ.get("AWS_S3_CUSTOM_DOMAIN") or os.environ.get("AWS_S3_ENDPOINT_URL") or "https://*.amazonaws.com"
    )
    if "://" not in _media_origin:
        _media_origin = f"https://{_media_origin}"
    for _policy in (CONTENT_SECURITY_POLICY, PREVIEW_CONTENT_SECURITY_POLICY, ADMIN_CONTENT_SECURITY_POLICY):  # noqa: F405
        _policy["DIRECTIVES"]["img-src"] = [*_policy["DIRECTIVES"]["img-src"], _media_origin]

# Several gunicorn workers each have their own memory: a publish handled by one could not clear
# the others' copies, and readers would see stale pages. Without a shared Redis, cache nothing.
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
