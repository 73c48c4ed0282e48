"""A Spanish-speaking patient on a phone: from the English guide to the same guide in Spanish,
searching and answering in Spanish, and told when the English guide has changed since."""

import pytest

from pages.models import GuidePage
from tests.browser.support import axe_violations, shot
from tests.translations import TEST_TITLE, publish_in_spanish

pytestmark = pytest.mark.browser

GUIDE = "/guides/nk-cell-therapy/"
SPANISH_GUIDE = "/es/guias/nk-cell-therapy/"


@pytest.fixture
def spanish_site(site):
    publish_in_spanish()  # through the Medical review workflow
    return site


def no_axe_violations(page):
    count, report = axe_violations(page)
    assert count == 0, report


def test_a_patient_switches_to_spanish_on_the_guide_and_searches_and_answers_in_spanish(spanish_site, phone):
    phone.goto(spanish_site + GUIDE)
    phone.get_by_role("link", name="Español").click()
    phone.wait_for_url(spanish_site + SPANISH_GUIDE)
    assert phone.locator("html").get_attribute("lang") == "es-MX"
    assert phone.locator("h1").inner_text() == TEST_TITLE
    assert phone.get_by_text("En esta página").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    no_axe_violations(phone)
    shot(phone, "spanish-guide-phone")

    # Search, in Spanish, finds the Spanish guide.
    phone.get_by_label("Buscar en las guías").first.fill("prueba")
    phone.get_by_role("button", name="Buscar").first.click()
    phone.wait_for_url("**/es/search/?q=prueba")
    assert phone.get_by_role("status").inner_text() == "Se encontró 1 guía."
    no_axe_violations(phone)
    phone.get_by_role("link", name=TEST_TITLE).click()
    phone.wait_for_url(spanish_site + SPANISH_GUIDE)

    # Feedback: sent without an answer, the error is in Spanish; then sent.
    phone.get_by_role("button", name="Enviar opinión").click()
    assert phone.get_by_role("heading", name="Su opinión no se envió").is_visible()
    assert phone.get_by_role("alert").inner_text().count("Elija Sí o No para decirnos si esta guía le fue útil") == 1
    no_axe_violations(phone)
    phone.get_by_label("Sí").check()
    phone.get_by_role("button", name="Enviar opinión").click()
    assert phone.get_by_role("heading", name="Gracias por su opinión").is_visible()
    assert phone.url.startswith(spanish_site + SPANISH_GUIDE)


def test_spanish_home_list_and_not_found_pages_pass_axe(spanish_site, phone):
    for path, name in (("/es/", "spanish-home"), ("/es/guias/", "spanish-guides"), ("/es/no-existe/", "spanish-404")):
        phone.goto(spanish_site + path)
        assert phone.locator("html").get_attribute("lang") == "es-MX"
        no_axe_violations(phone)
        shot(phone, name, full_page=True)


def test_when_the_english_guide_changes_the_spanish_reader_is_told_and_led_to_it(spanish_site, phone):
    english = GuidePage.objects.get(locale__language_code="en-gb")
    english.title = "A Patient's Guide to NK Cell Therapy (updated)"
    english.save_revision().publish()
    phone.goto(spanish_site + SPANISH_GUIDE)
    notice = phone.locator(".translation-behind")
    assert notice.is_visible()
    assert notice.inner_text().startswith("La versión en inglés de esta guía se actualizó el ")
    no_axe_violations(phone)
    shot(phone, "spanish-guide-behind-english")
    notice.get_by_role("link", name="Leer la guía en inglés").click()
    phone.wait_for_url(spanish_site + GUIDE)
    assert phone.locator("html").get_attribute("lang") == "en-US"
