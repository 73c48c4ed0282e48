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
