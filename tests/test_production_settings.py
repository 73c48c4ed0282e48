"""Production refuses to start misconfigured, and nothing fixed can log in to it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "SECRET_KEY": "a-secret-for-this-test-only-" + "x" * 40,
    "ALLOWED_HOSTS": "guides.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_with(env, code="import django; django.setup(); print('started')"):
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    clean.update(env, DJANGO_SETTINGS_MODULE="lmi_site.settings.production")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_names_each_missing_variable_and_does_not_start(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_with(env)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert f"missing or empty: {missing}" in result.stderr


@pytest.mark.parametrize("value", ["one", "-1", "1.5", "6"])
def test_production_refuses_a_proxy_count_that_is_not_a_small_whole_number(value):
    result = run_with({**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": value})
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert (
        f"TRUSTED_PROXY_COUNT must be the number of proxies in front of the app (0 to 5), not {value!r}"
        in result.stderr
    )


def test_production_starts_with_everything_set_and_debug_off():
    result = run_with(
        PRODUCTION_ENV,
        "import django; django.setup(); from django.conf import settings; "
        f"print(settings.DEBUG, settings.SECRET_KEY == {PRODUCTION_ENV['SECRET_KEY']!r})",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True"


@pytest.mark.django_db
def test_no_fixture_or_migration_creates_a_login():
    # make run seeds content only; an admin account is made by each person with createsuperuser.
    from django.contrib.auth import get_user_model

    from pages.seeding import seed

    seed()
    assert not get_user_model().objects.exists()


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        # Nothing from the test run's own environment (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
        env={k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("DJANGO_")}
        | PRODUCTION_ENV
        | {"DJANGO_SETTINGS_MODULE": "lmi_site.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


STORAGE_REPORT = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import storages; uploads = storages['default']; "
    "print(type(uploads).__module__ + '.' + type(uploads).__name__); "
    "print(getattr(uploads, 'bucket_name', '-')); print(getattr(uploads, 'endpoint_url', '-')); "
    "print(settings.STORAGES['staticfiles']['BACKEND']); "
    "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
)


def test_uploads_go_to_local_disk_by_default_and_static_files_are_hashed_and_compressed():
    result = run_with(PRODUCTION_ENV, STORAGE_REPORT)
    assert result.returncode == 0, result.stderr
    backend, bucket, endpoint, static, img_src = result.stdout.strip().splitlines()
    assert backend == "django.core.files.storage.filesystem.FileSystemStorage"
    assert static == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert img_src == "[\"'self'\", 'data:']"


def test_uploads_go_to_s3_compatible_storage_when_a_bucket_is_configured():
    # Configured only: the storage object is built, nothing is sent to the (unreachable) endpoint.
    result = run_with(
        {
            **PRODUCTION_ENV,
            "AWS_STORAGE_BUCKET_NAME": "clinic-uploads",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
            "AWS_ACCESS_KEY_ID": "test-key-id",
            "AWS_SECRET_ACCESS_KEY": "test-secret",
        },
        STORAGE_REPORT,
    )
    assert result.returncode == 0, result.stderr
    backend, bucket, endpoint, static, img_src = result.stdout.strip().splitlines()
    assert backend == "storages.backends.s3.S3Storage"
    assert (bucket, endpoint) == ("clinic-uploads", "https://s3.example.org")
    # Images served from the bucket are allowed by the pages' Content-Security-Policy.
    assert "https://s3.example.org" in img_src


@pytest.mark.parametrize(
    "redis_url,backend",
    [
        ("", "django.core.cache.backends.dummy.DummyCache"),
        # django-redis behind the circuit breaker that makes Redis optional (lmi_site/shared_cache.py).
        ("redis://127.0.0.1:6379/6", "lmi_site.shared_cache.SharedRedisCache"),
    ],
    ids=["no-redis-caches-nothing", "redis-shared"],
)
def test_production_caches_only_in_a_store_every_worker_shares(redis_url, backend):
    # Per-process memory would let one worker keep a page another worker's publish had cleared.
    result = run_with(
        {**PRODUCTION_ENV, "REDIS_URL": redis_url},
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend


def test_a_database_that_does_not_answer_holds_a_worker_for_seconds_not_for_gunicorns_timeout():
    database = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    postgres = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://clinic@db.example.org:5432/guides?sslmode=require"}
    result = run_with(postgres, database)
    assert result.returncode == 0, result.stderr
    options = eval(result.stdout)  # noqa: S307 - the repr of a dict of strings and numbers, printed above
    assert options == {
        "sslmode": "require",
        "connect_timeout": 3,
        "options": "-c statement_timeout=5000",
        "tcp_user_timeout": 5000,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    result = run_with({**postgres, "DATABASE_STATEMENT_TIMEOUT_SECONDS": "2"}, database)
    assert "-c statement_timeout=2000" in result.stdout
    result = run_with({**postgres, "DATABASE_STATEMENT_TIMEOUT_SECONDS": "forever"})
    assert result.returncode != 0 and "DATABASE_STATEMENT_TIMEOUT_SECONDS must be a number of seconds" in result.stderr


def test_a_slow_mail_server_is_given_five_seconds():
    mail = {"EMAIL_HOST": "smtp.clinic.example", "DEFAULT_FROM_EMAIL": "guides@clinic.example"}
    result = run_with(
        {**PRODUCTION_ENV, **mail},
        "import django; django.setup(); from django.conf import settings as s; print(s.EMAIL_TIMEOUT)",
    )
    assert result.stdout.strip() == "5", result.stderr


MAIL_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.DEFAULT_FROM_EMAIL, "
    "s.SERVER_EMAIL, s.WAGTAILADMIN_NOTIFICATION_FROM_EMAIL, s.EMAIL_HOST_USER)"
)


def test_production_takes_its_mail_server_and_sender_from_the_environment():
    mail = {
        "EMAIL_HOST": "smtp.clinic.example",
        "DEFAULT_FROM_EMAIL": "guides@clinic.example",
        "EMAIL_HOST_USER": "guides",
        "EMAIL_HOST_PASSWORD": "from-the-environment",
    }
    result = run_with({**PRODUCTION_ENV, **mail}, MAIL_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.clinic.example",
        "587",
        "True",
        "False",
        "guides@clinic.example",
        "guides@clinic.example",
        "guides@clinic.example",
        "guides",
    ]
    result = run_with({**PRODUCTION_ENV, **mail, "EMAIL_PORT": "465", "EMAIL_USE_SSL": "true"}, MAIL_SETTINGS)
    assert result.stdout.split()[2:5] == ["465", "False", "True"]


def test_production_without_a_mail_server_sends_nothing_and_never_from_webmaster_at_localhost():
    result = run_with(
        PRODUCTION_ENV,
        "import django; django.setup(); from django.core.mail import send_mail; "
        "print(send_mail('A subject', 'A body naming a patient', None, ['someone@example.org']))",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
    assert "Not sent, because EMAIL_HOST is not set: 'A subject'" in result.stderr
    assert "naming a patient" not in result.stderr


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"EMAIL_HOST": "smtp.clinic.example"}, "EMAIL_HOST is set, so DEFAULT_FROM_EMAIL is needed too"),
        (
            {"EMAIL_HOST": "smtp.x", "DEFAULT_FROM_EMAIL": "a@x", "EMAIL_PORT": "smtp"},
            "EMAIL_PORT must be a port number, not 'smtp'",
        ),
        (
            {"EMAIL_HOST": "smtp.x", "DEFAULT_FROM_EMAIL": "a@x", "EMAIL_USE_TLS": "yes"},
            "EMAIL_USE_TLS must be true or false, not 'yes'",
        ),
        (
            {"EMAIL_HOST": "smtp.x", "DEFAULT_FROM_EMAIL": "a@x", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both",
        ),
    ],
)
def test_production_refuses_a_half_configured_mail_server_naming_what_is_wrong(extra, message):
    result = run_with({**PRODUCTION_ENV, **extra})
    assert result.returncode != 0 and "started" not in result.stdout
    assert message in result.stderr


def test_production_lets_the_admin_frame_its_preview_and_nothing_frame_public_pages():
    result = run_with(
        {**PRODUCTION_ENV, "AWS_STORAGE_BUCKET_NAME": "uploads", "AWS_S3_CUSTOM_DOMAIN": "media.example.org"},
        "import django; django.setup(); from django.conf import settings as s; "
        "p, v = s.CONTENT_SECURITY_POLICY['DIRECTIVES'], s.PREVIEW_CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(p['frame-ancestors'], v['frame-ancestors'], v['script-src'], v['img-src'])",
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "[\"'none'\"] [\"'self'\"] [\"'self'\"] [\"'self'\", 'data:', 'https://media.example.org']"
    )


def test_make_deploy_check_refuses_to_go_live_until_the_privacy_notice_names_the_clinic(tmp_path):
    """With the production environment and its database, `make deploy-check` checks what the
    database must hold too: Mexico's LFPDPPP requires the clinic's legal name and address."""
    from benchmarks.harness import manage, production_env

    env = production_env(f"sqlite:///{tmp_path / 'site.sqlite3'}", "", STATIC_ROOT=str(tmp_path / "static"))
    del env["SECURE_SSL_REDIRECT"]  # as a real deployment runs (the check would rightly warn)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_content")

    def deploy_check():
        return subprocess.run(
            ["make", "--no-print-directory", "deploy-check"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    refused = deploy_check()
    assert refused.returncode != 0
    assert "(consultations.E001) The privacy notice of localhost has no clinic's legal name" in refused.stderr
    assert "has no address" in refused.stderr

    fill_in = (
        "from consultations.models import ClinicContactSettings as C; "
        "C.objects.update(legal_name='Clínica Ejemplo, S.A. de C.V.', address='Calle Uno 1, Cabo San Lucas')"
    )
    manage(env, "shell", "-c", fill_in)
    passed = deploy_check()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "System check identified no issues (0 silenced)." in passed.stdout
