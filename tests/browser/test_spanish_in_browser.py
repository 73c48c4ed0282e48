"""A Spanish-speaking patient on a phone: from the English guide to the same guide in Spanish,
searching, answering and asking for a consultation in Spanish, and told when the English guide
has changed since; and the Medical reviewer who reads that in the review report."""

import pytest

from consultations.models import ConsultationRequest
from pages.models import GuidePage
from tests.browser.staff import docs_shot, no_problems, sign_in, staff_member
from tests.browser.support import axe_violations, shot
from tests.translations import TEST_TITLE, publish_in_spanish

pytestmark = pytest.mark.browser

GUIDE = "/guides/nk-cell-therapy/"
SPANISH_GUIDE = "/es/guias/nk-cell-therapy/"
CHANGED_ENGLISH_TITLE = "A Patient's Guide to NK Cell Therapy (updated)"
# The consultation form's errors as locale/es/LC_MESSAGES/django.po translates them, and the
# English words they translate, which a Spanish reader must never be shown instead.
SPANISH_ERRORS = {
    "full_name": "Escriba su nombre completo",
    "email": "Escriba su correo electrónico",
    "country": "Escriba el país donde vive",
    "consent": "Marque la casilla para aceptar el aviso de privacidad, para que podamos responderle",
}
BAD_EMAIL_ERROR = "Escriba un correo electrónico con el formato correcto, como nombre@ejemplo.com"
ENGLISH_ERRORS = (
    "There is a problem",
    "Enter your full name",
    "Enter your email address",
    "Enter the country you live in",
    "Tick the box to agree to the privacy notice",
    "Enter an email address in the correct format",
)


@pytest.fixture
def spanish_site(site):
    publish_in_spanish()  # through the Medical review workflow
    return site


@pytest.fixture
def quick_patients(settings):
    # A person takes longer than this between opening the form and sending it; the tests type fast.
    settings.CONSULTATION_MIN_SECONDS = 1


def no_axe_violations(page):
    count, report = axe_violations(page)
    assert count == 0, report


def field_error(page, field):
    """The error beside a field, as a screen reader reads it out."""
    return " ".join(page.locator(f"#id_{field}-error").text_content().split())


def no_english_errors(page):
    text = page.locator("main").inner_text()
    assert [words for words in ENGLISH_ERRORS if words in text] == []


def test_a_patient_switches_to_spanish_on_the_guide_and_searches_answers_and_asks_in_spanish(
    spanish_site, phone, quick_patients
):
    spanish = GuidePage.objects.get(locale__language_code="es")
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
    no_axe_violations(phone)

    # A consultation, asked for from the Spanish guide: the form knows which guide it came from.
    phone.locator(".site-header").get_by_role("link", name="Solicitar una consulta").click()
    phone.wait_for_url(f"{spanish_site}/es/consulta/?guide={spanish.pk}")
    assert phone.get_by_role("heading", level=1).inner_text() == "Solicitar una consulta"
    assert phone.get_by_label("Tratamiento que le interesa").input_value() == "nk-cell-therapy"
    assert phone.get_by_label("Español").is_checked()
    no_axe_violations(phone)

    # Sent empty: what to do, in Spanish, in the summary and beside each field.
    phone.wait_for_timeout(1_100)
    phone.get_by_role("button", name="Enviar solicitud").click()
    summary = phone.locator(".error-summary")
    summary.wait_for()
    assert summary.get_by_role("heading").inner_text() == "Hay un problema"
    assert summary.get_by_role("listitem").all_inner_texts() == list(SPANISH_ERRORS.values())
    for field, error in SPANISH_ERRORS.items():
        assert field_error(phone, field) == f"Error: {error}"  # "Error:" for screen readers
    assert phone.title().startswith("Error: Solicitar una consulta")
    no_english_errors(phone)
    no_axe_violations(phone)

    # Then with an email address that is not one.
    phone.get_by_label("Nombre completo").fill("Ana López")
    phone.get_by_label("Correo electrónico", exact=True).fill("ana.ejemplo.com")
    phone.get_by_label("País donde vive").fill("México")
    phone.get_by_label("He leído el aviso de privacidad").check()
    phone.get_by_role("button", name="Enviar solicitud").click()
    summary.get_by_role("link", name=BAD_EMAIL_ERROR).wait_for()
    assert summary.get_by_role("listitem").all_inner_texts() == [BAD_EMAIL_ERROR]
    assert field_error(phone, "email") == f"Error: {BAD_EMAIL_ERROR}"
    no_english_errors(phone)
    no_axe_violations(phone)

    summary.get_by_role("link", name=BAD_EMAIL_ERROR).click()
    phone.get_by_label("Correo electrónico", exact=True).fill("ana@ejemplo.com")
    phone.get_by_role("button", name="Enviar solicitud").click()
    phone.wait_for_url(f"{spanish_site}/es/consulta/sent/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Solicitud enviada"
    no_axe_violations(phone)

    stored = ConsultationRequest.objects.get()
    assert (stored.email, stored.preferred_language, stored.sent_from_id) == ("ana@ejemplo.com", "es", spanish.pk)
    assert stored.treatment == spanish.therapy_name


def test_spanish_home_list_and_not_found_pages_pass_axe(spanish_site, phone):
    for path, name in (("/es/", "spanish-home"), ("/es/guias/", "spanish-guides"), ("/es/no-existe/", "spanish-404")):
        phone.goto(spanish_site + path)
        assert phone.locator("html").get_attribute("lang") == "es-MX"
        no_axe_violations(phone)
        shot(phone, name, full_page=True)


def test_a_guide_not_yet_in_spanish_is_offered_to_spanish_readers_in_english(site, phone):
    for path in ("/es/", "/es/guias/"):
        phone.goto(site + path)
        item = phone.locator(".guide-list__item")
        assert item.locator(".guide-list__language").inner_text() == "(en inglés)"
        assert item.get_by_role("link").first.get_attribute("lang") == "en"
        no_axe_violations(phone)
    shot(phone, "spanish-guides-english-only", full_page=True)
    item.get_by_role("link").first.click()
    phone.wait_for_url(site + GUIDE)
    assert phone.locator("html").get_attribute("lang") == "en-US"
    switch = phone.locator(".language-link")
    assert switch.get_attribute("lang") == "es-MX"
    assert switch.inner_text().startswith("Esta página todavía no está disponible en español.")
    no_axe_violations(phone)


def test_spanish_search_with_nothing_to_search_for_and_with_nothing_found_passes_axe(site, phone):
    phone.goto(site + "/es/search/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Buscar en las guías"
    no_axe_violations(phone)
    phone.get_by_label("Buscar en las guías").first.fill("xilófono")
    phone.get_by_role("button", name="Buscar").first.click()
    phone.wait_for_url("**/es/search/?q=xil*")
    assert phone.get_by_role("status").inner_text().startswith("Ninguna guía coincide con «xilófono».")
    no_axe_violations(phone)
    shot(phone, "spanish-search-nothing-found", full_page=True)


def test_when_the_english_guide_changes_the_spanish_reader_and_the_medical_reviewer_are_told(
    spanish_site, phone, chromium
):
    english = GuidePage.objects.get(locale__language_code="en-gb")
    english.title = CHANGED_ENGLISH_TITLE
    english.save_revision().publish()
    phone.goto(spanish_site + SPANISH_GUIDE)
    notice = phone.locator(".translation-behind")
    assert notice.is_visible()
    assert notice.inner_text().startswith("La versión en inglés de esta guía se actualizó el ")
    no_axe_violations(phone)
    # The README's: the page down to the notice (below it the test's stand-in translation is English).
    docs_shot(phone, "spanish-guide-phone", down_to=notice)
    notice.get_by_role("link", name="Leer la guía en inglés").click()
    phone.wait_for_url(spanish_site + GUIDE)
    assert phone.locator("html").get_attribute("lang") == "en-US"

    # The Medical reviewer, who reviews the translation again, reads it in the review report.
    staff_member("reviewer", "Medical reviewers")
    page = sign_in(chromium, spanish_site, "reviewer")
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Medical review dates").click()
    page.wait_for_url(spanish_site + "/admin/reports/medical-review/")
    row = page.get_by_role("row").filter(has_text=TEST_TITLE)
    assert "Español" in row.inner_text()
    assert "behind the English guide, which changed on" in row.inner_text()
    assert "behind the English guide" not in page.get_by_role("row").filter(has_text=CHANGED_ENGLISH_TITLE).inner_text()
    shot(page, "review-report-spanish-behind", full_page=True)

    # From there to the translation, and what changed in English.
    row.get_by_role("link", name=TEST_TITLE).click()
    warning = page.locator(".messages").filter(has_text="This translation is behind its English guide")
    warning.get_by_role("link", name="See what changed in English").click()
    page.wait_for_url(f"**/admin/pages/{english.pk}/revisions/compare/**")
    # The English title's change, as Wagtail's comparison marks it: the words added.
    title_row = page.get_by_role("row").filter(has_text="Title:")
    assert title_row.locator(".addition").inner_text().strip() == "(updated)"
    shot(page, "what-changed-in-english", full_page=True)
    assert no_problems(page) == []
    page.context.close()
