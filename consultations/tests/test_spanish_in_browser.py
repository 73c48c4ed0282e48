"""A Spanish-speaking patient on a phone asks for a consultation from the Spanish pages, corrects
an error told in Spanish, is confirmed in Spanish and reads the "Aviso de privacidad"."""

import pytest

from consultations.models import ConsultationRequest
from tests.browser.support import axe_violations, shot

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def quick_patients(settings):
    # A person takes longer than this between opening the form and sending it; the tests type fast.
    settings.CONSULTATION_MIN_SECONDS = 1


def no_axe_violations(page):
    count, report = axe_violations(page)
    assert count == 0, report


def test_a_spanish_patient_sends_a_request_in_spanish_and_is_answered_in_spanish(site, phone):
    phone.goto(site + "/es/")
    phone.locator(".site-header").get_by_role("link", name="Solicitar una consulta").click()
    phone.wait_for_url("**/es/consulta/")
    assert phone.locator("html").get_attribute("lang") == "es-MX"
    assert phone.get_by_role("heading", level=1).inner_text() == "Solicitar una consulta"
    # Spanish is chosen already: the patient is reading Spanish.
    assert phone.get_by_label("Español").is_checked()

    phone.get_by_label("Nombre completo").fill("Ana López")
    phone.get_by_label("Correo electrónico", exact=True).fill("ana.ejemplo.com")
    phone.get_by_label("País donde vive").fill("México")
    phone.get_by_label("He leído el aviso de privacidad").check()
    phone.wait_for_timeout(1_100)
    phone.get_by_role("button", name="Enviar solicitud").click()
    summary = phone.locator(".error-summary")
    summary.wait_for()
    assert summary.get_by_role("heading").inner_text() == "Hay un problema"
    error = "Escriba un correo electrónico con el formato correcto, como nombre@ejemplo.com"
    assert summary.get_by_role("link", name=error).is_visible()
    assert summary.get_by_role("link", name="Elija un tratamiento, o «Todavía no lo sé»").is_visible()
    assert phone.title().startswith("Error: Solicitar una consulta")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    no_axe_violations(phone)
    shot(phone, "spanish-consultation-error-phone", full_page=True)

    summary.get_by_role("link", name=error).click()
    email = phone.get_by_label("Correo electrónico", exact=True)
    assert email.input_value() == "ana.ejemplo.com"  # what was typed is kept
    email.fill("ana@ejemplo.com")
    phone.get_by_label("Tratamiento que le interesa").select_option(label="Todavía no lo sé")
    phone.get_by_label("He leído el aviso de privacidad").check()
    phone.get_by_role("button", name="Enviar solicitud").click()
    phone.wait_for_url("**/es/consulta/sent/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Solicitud enviada"
    assert "Uno de ellos se pondrá en contacto con usted" in phone.locator("main").inner_text()
    no_axe_violations(phone)
    shot(phone, "spanish-consultation-sent-phone", full_page=True)

    stored = ConsultationRequest.objects.get()
    assert (stored.full_name, stored.email, stored.preferred_language) == ("Ana López", "ana@ejemplo.com", "es")


def test_the_spanish_privacy_notice_is_reached_from_the_footer_on_a_phone(site, phone):
    phone.goto(site + "/es/")
    phone.locator("footer").get_by_role("link", name="Aviso de privacidad").click()
    phone.wait_for_url("**/es/aviso-de-privacidad/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Aviso de privacidad"
    assert phone.get_by_role("heading", name="Quién es responsable de sus datos").is_visible()
    assert "(en inglés)" not in phone.locator("footer").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    no_axe_violations(phone)
    shot(phone, "spanish-privacy-notice-phone", full_page=True)
