"""English and Spanish: the language comes from the address alone, and the interface's words are translated."""

import os
import subprocess
import sys

from django.conf import settings
from django.utils import translation
from wagtail.models import Locale

from lmi_site.compile_translations import LOCALE_DIR, out_of_date
from pages.models import HomePage
from tests.support import GUIDE_URL

SPANISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9", "HTTP_COOKIE": "django_language=es"}


def test_both_languages_are_content_locales(seeded):
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == ["en-gb", "es"]


def test_a_browser_set_to_spanish_gets_the_english_address_in_english_with_nothing_varying(client, seeded):
    response = client.get(GUIDE_URL, **SPANISH_BROWSER)
    assert response.status_code == 200
    assert '<html lang="en-US">' in response.content.decode()
    # One representation per address: nothing a cache would have to split on.
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Content-Language" not in response
    # And no redirect to a Spanish address.
    assert client.get("/", **SPANISH_BROWSER).status_code == 200


def test_no_english_page_is_served_as_spanish_under_es(client, seeded):
    # The guide has no Spanish version: its address under /es/ is not found, never the English guide.
    assert client.get("/es" + GUIDE_URL).status_code == 404
    assert client.get("/es/guias/nk-cell-therapy/").status_code == 404
    # Without a published Spanish home page, nothing under /es/ is served, not the English home.
    HomePage.objects.get(locale__language_code="es").unpublish()
    assert client.get("/es/").status_code == 404
    assert client.get("/").status_code == 200


def test_the_language_lasts_for_its_own_request_only(client, seeded):
    client.get("/es/")
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert '<html lang="en-US">' in client.get("/").content.decode()


def test_spanish_words_come_from_the_compiled_catalogue():
    assert out_of_date() == []  # conftest compiled it, as make does
    with translation.override("es"):
        assert translation.gettext("Skip to main content") == "Ir al contenido principal"
    with translation.override("en-gb"):
        assert translation.gettext("Skip to main content") == "Skip to main content"


def test_compiling_needs_no_gettext_and_says_when_a_catalogue_is_out_of_date(tmp_path):
    po = LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    # A .mo older than its .po is reported by --check (exit 1), then rewritten by a plain run.
    older = po.stat().st_mtime - 60

    os.utime(mo, (older, older))
    check = subprocess.run([sys.executable, "-m", "lmi_site.compile_translations", "--check"], capture_output=True)
    assert check.returncode == 1 and b"django.mo is missing or older than django.po" in check.stdout
    run = subprocess.run(
        [sys.executable, "-m", "lmi_site.compile_translations"],
        capture_output=True,
        env={"PATH": "/nonexistent"},  # no msgfmt to be found
    )
    assert run.returncode == 0, run.stderr
    assert out_of_date() == []
