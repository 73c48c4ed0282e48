"""Settings shared by every environment; dev, test and production import these."""

import os
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "pages",
    "feedback",
    "searches",
    "consultations",
    "medical_review",
    "backup",
    "impact",
    # After the apps whose pages it serves; it has no templates of its own to shadow theirs.
    "delivery",
    # Translations of pages: wagtail-localize's editor, and its Locales screen in place of wagtail.locales.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so a database outage anywhere below becomes the calm 503 page.
    "lmi_site.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Reading counts (/count/…) are answered here, as cheaply as a page-cache hit (impact/counting.py).
    "impact.counting.CountingMiddleware",
    "lmi_site.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language comes from the address alone (/es/… is Spanish), never from the browser's
    # Accept-Language or a cookie: each address is one cacheable page (lmi_site/language.py).
    "lmi_site.language.LanguageFromPathMiddleware",
    # The page cache (delivery/cache.py) sits outside everything that can set a cookie or vary a
    # response, so it sees each response as the reader gets it; static files never reach it.
    "delivery.cache.PageCacheMiddleware",
    # On a page-cache miss, the request's Wagtail site comes from the cache (delivery/routing.py).
    "delivery.routing.SiteForRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A one-time code after signing in, for whoever can see patients' details (consultations/second_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "consultations.second_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: it answers a locked-out login with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lmi_site.urls"
# A refused form (cookies blocked, a very old page) gets a calm page that says what to do.
CSRF_FAILURE_VIEW = "consultations.views.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "lmi_site.wsgi.application"

# DATABASE_URL chooses the database; without it a SQLite file in the project serves.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One editor's autosave, preview and editing-session pings arrive at once. Write-ahead
    # logging lets reads go on during a write; IMMEDIATE transactions take the write lock at
    # their start, so a writer waits its turn (up to `timeout` seconds) instead of failing with
    # "database is locked" when two transactions that read first both try to write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# The page cache and everything else cached: Redis when REDIS_URL is set (shared by every
# worker and instance, so a publish anywhere reaches them all), this process's memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    # django-redis behind a circuit breaker: if Redis fails or stalls, pages are drawn as on a miss
    # after a bounded wait (connect 0.25 s, command 0.5 s), and it is skipped until it answers again.
    CACHES = {
        "default": {
            "BACKEND": "lmi_site.shared_cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lmi",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE_ALIAS = "default"
# Invalidation is immediate; this only bounds how long an unread copy takes up memory.
PAGE_CACHE_SECONDS = 24 * 60 * 60
# How long a shared cache in front (Varnish, a CDN) may keep a public page: `s-maxage` in its
# Cache-Control. Our Varnish is purged on every change; this bounds a cache that is not.
PUBLIC_PAGE_SHARED_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_SHARED_CACHE_SECONDS", "300"))

# Wagtail's frontend-cache invalidation sends HTTP PURGE to the caching proxy named here
# (see docs/deploy.md); without it no purge is attempted.
FRONTEND_CACHE_PURGE_URL = os.environ.get("FRONTEND_CACHE_PURGE_URL", "").strip()
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "delivery.frontend_cache.TimeLimitedHTTPBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
        }
    }
# Wagtail would also purge each /es/… address once per language prefix (/en-gb/…), as if every
# language had one; English has none here, and every page in every language is purged in its own
# right (delivery/cache.py purges every live page), so addresses are purged as they are.
WAGTAILFRONTENDCACHE_LANGUAGES = []
# How long a Publish waits for the caching proxy to answer a purge before giving up (and logging it).
FRONTEND_CACHE_PURGE_TIMEOUT_SECONDS = 2
# Each content change is purged from the proxy twice: after the commit, and again this many
# seconds later, to drop an old page handed over by a request that was inside the app at the
# commit (delivery/cache.py). It must be longer than the slowest fetch deploy/varnish.vcl keeps
# (2 s; a page renders in tens of milliseconds), and is how long such a stale copy can last.
_second_purge = os.environ.get("FRONTEND_CACHE_SECOND_PURGE_SECONDS", "").strip() or "3"
try:
    FRONTEND_CACHE_SECOND_PURGE_SECONDS = float(_second_purge)
except ValueError:
    FRONTEND_CACHE_SECOND_PURGE_SECONDS = 0.0
if not 2 < FRONTEND_CACHE_SECOND_PURGE_SECONDS <= 60:
    raise ImproperlyConfigured(
        "FRONTEND_CACHE_SECOND_PURGE_SECONDS must be a number of seconds above 2 (the slowest fetch "
        f"deploy/varnish.vcl keeps) and at most 60, not {_second_purge!r}."
    )

# Reading counts (impact/counting.py): views of one guide from one address counted in a clock hour,
# beyond which a count is refused; and how often, at most, counts move from the cache to the database.
READING_COUNTS_PER_ADDRESS_PER_HOUR = 30
READING_COUNTS_FLUSH_SECONDS = 60

# How long the words of patients' feedback comments are kept (feedback/retention.py).
FEEDBACK_COMMENTS_KEPT_MONTHS = 24

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes counts failed logins before Django's own backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair out for 15 minutes;
# locking by username and address together means a stranger cannot lock staff out from elsewhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
AXES_CLIENT_IP_CALLABLE = "lmi_site.client_ip.client_ip"
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "Longevity Medical Institute"

# How many of the clinic's own proxies (caching proxy, load balancer) stand in front of the app
# and append to X-Forwarded-For; see lmi_site/client_ip.py and docs/deploy.md. With 0, the
# default, the header is ignored and the connecting address is the visitor's. Set it wrongly
# and every visitor shares the proxy's address, or a visitor can choose their own.
_proxy_count = os.environ.get("TRUSTED_PROXY_COUNT", "").strip() or "0"
try:
    TRUSTED_PROXY_COUNT = int(_proxy_count)
except ValueError:
    TRUSTED_PROXY_COUNT = -1
if not 0 <= TRUSTED_PROXY_COUNT <= 5:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT must be the number of proxies in front of the app (0 to 5), not {_proxy_count!r}."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The site in English (at the addresses it always had) and in Spanish (under /es/). "es", not
# "es-mx", so the addresses start /es/ and Django's own Spanish catalogue serves; the pages
# declare the Spanish of Mexico, where the clinic's patients are (PAGE_LANGUAGE_TAGS).
LANGUAGES = [("en-gb", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A new translation is made as a draft, never published at once with its strings still in English;
# it goes live through the Medical review workflow (medical_review/translations.py).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# What a page says its language is (<html lang>, JSON-LD inLanguage, og:locale), by language code.
# English pages keep saying en-US, as they always have.
PAGE_LANGUAGE_TAGS = {"en-gb": "en-US", "es": "es-MX"}
# The interface's own words in Spanish: locale/es/LC_MESSAGES/django.po, compiled by the Makefile.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The clinic's own clock (Los Cabos): "today" for review dates, times in the admin and in exports.
# Each member of staff may still choose their own zone in Wagtail's account settings.
TIME_ZONE = "America/Mazatlan"
USE_I18N = True
USE_TZ = True
# The zones staff may pick in their account settings: places (and UTC). The system's own list
# also holds "localtime", which browsers reject, breaking the account page's time-zone menu.
WAGTAIL_USER_TIME_ZONES = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC")

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here, never into the source static/ folder.
STATIC_ROOT = BASE_DIR / "collected-static"
STATIC_URL = "/static/"

MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# For an S3-compatible bucket (production.py): one that fails or stalls costs a guide its figure
# for a moment (pages/images.py), never the page, and a reader waits at most about 4 s for it.
MEDIA_STORAGE_CLIENT_CONFIG = {"connect_timeout": 1, "read_timeout": 3, "retries": {"total_max_attempts": 1}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The guide page editor has many nested blocks; Django's default of 1000 fields is too few.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Longevity Medical Institute patient guides"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
# Wagtail's database backend, each language read in its own words on PostgreSQL (searches/backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "searches.backend"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
# No Gravatar: editors' email addresses are not sent to another site, and the admin's policy stays 'self'.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Upgrades come through requirements.txt, not a notice in the admin (which would also call another site).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Comments are for discussing a draft; the clinic's review process uses workflows.
WAGTAILADMIN_COMMENTS_ENABLED = False

# Public pages load scripts, styles, images and fonts from this site only, never inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# A page drawn for the admin's preview panel: the public policy, framed by the admin only.
PREVIEW_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "frame-ancestors": [SELF]},
}
# The Wagtail admin gets a looser policy of its own (ContentSecurityPolicyMiddleware): Wagtail 8's
# admin pages carry inline <script> and <style> elements (the page editor blocks without them) and it
# frames its own preview. Only staff reach it, after signing in; patients never load the admin.
ADMIN_URL_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's own logging prints to the console in DEBUG as well; without this every line of
    # Django's showed twice in development, once from its handler and once from the root's.
    # (runserver's request lines go through django.server's own handler, which stays.)
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
