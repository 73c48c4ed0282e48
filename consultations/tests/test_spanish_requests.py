"""A consultation request from a Spanish page: the form, its errors and the confirmation in Spanish,
the request stored as wanting Spanish, and the Spanish privacy notice ("Aviso de privacidad")."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from wagtail.models import Locale, Site

from consultations.models import ClinicContactSettings, ConsultationRequest, ConsultationRequestPage, PrivacyNoticePage
from consultations.roles import COORDINATORS
from consultations.seeding import PRIVACY_SECTIONS, PRIVACY_SECTIONS_ES
from pages.seeding import seed
from tests.support import normalise
from tests.translations import publish_in_spanish

FORM_URL = "/es/consulta/"
SENT_URL = "/es/consulta/sent/"
PRIVACY_URL = "/es/aviso-de-privacidad/"
LIST_URL = "/admin/snippets/consultations/consultationrequest/"


@pytest.fixture(autouse=True)
def no_waiting(settings):
    settings.CONSULTATION_MIN_SECONDS = 0


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def spanish_form(client):
    response = client.get(FORM_URL)
    assert response.status_code == 200
    return soup_of(response)


def answers(soup, **changes):
    data = {
        "form_token": soup.select_one("input[name=form_token]")["value"],
        "website": "",
        "full_name": "Ana López",
        "email": "ana@example.com",
        "phone": "",
        "country": "México",
        "contact_method": "email",
        "preferred_language": soup.select_one("input[name=preferred_language][checked]")["value"],
        "treatment": "not-sure",
        "message": "",
        "consent": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_the_form_on_the_spanish_page_is_in_spanish(client, seeded):
    soup = spanish_form(client)
    assert soup.html["lang"] == "es-MX"
    assert normalise(soup.h1.get_text()) == "Solicitar una consulta"
    labels = {normalise(label.get_text()) for label in soup.select("form.consultation-form label, legend")}
    assert {
        "Nombre completo",
        "Correo electrónico",
        "Número de teléfono (opcional)",
        "País donde vive",
        "¿Cómo prefiere que nos comuniquemos con usted?",
        "Por correo electrónico",
        "Por teléfono",
        "¿Qué idioma prefiere?",
        "Inglés",
        "Español",
        "Tratamiento que le interesa",
        "Algo más que quiera decirnos (opcional)",
    } <= labels
    hints = [normalise(hint.get_text()) for hint in soup.select(".form-hint")]
    assert "Incluya el código de país si vive fuera de México." in hints
    assert hints[-1].startswith("Lea el aviso de privacidad para saber qué hace la clínica con sus datos")
    assert normalise(soup.select_one("form.consultation-form button").get_text()) == "Enviar solicitud"
    options = [normalise(option.get_text()) for option in soup.select("select[name=treatment] option")]
    assert options[0] == "Elija un tratamiento" and options[-1] == "Todavía no lo sé"


def test_on_a_spanish_page_spanish_is_the_language_chosen_at_first_and_english_on_an_english_one(client, seeded):
    chosen = spanish_form(client).select("input[name=preferred_language][checked]")
    assert [option["value"] for option in chosen] == ["es"]
    english = soup_of(client.get("/consultation/")).select("input[name=preferred_language][checked]")
    assert [option["value"] for option in english] == ["en"]


def test_a_request_sent_from_the_spanish_page_is_stored_as_wanting_spanish_and_confirmed_in_spanish(client, seeded):
    response = client.post(FORM_URL, answers(spanish_form(client)))
    assert response.status_code == 303 and response["Location"] == SENT_URL
    request = ConsultationRequest.objects.get()
    assert request.preferred_language == ConsultationRequest.Language.SPANISH
    assert request.full_name == "Ana López" and request.treatment == "Not sure"

    soup = soup_of(client.get(SENT_URL))
    assert soup.html["lang"] == "es-MX"
    assert normalise(soup.title.get_text()).startswith("Solicitud enviada")
    assert normalise(soup.h1.get_text()) == "Solicitud enviada"
    message = soup.select_one(".confirmation-message")
    # The clinic kept the default wording, which is the site's own, so it is in Spanish.
    assert normalise(message.get_text()) == (
        "Gracias. Su solicitud ha llegado a los coordinadores de pacientes de la clínica. "
        "Uno de ellos se pondrá en contacto con usted de la manera que pidió."
    )
    assert not message.has_attr("lang")
    again = soup.find("a", string="enviar otra solicitud")
    assert again["href"] == FORM_URL
    assert soup.find("a", string="Volver a la página de inicio")["href"] == "/es/"


def test_the_clinics_own_confirmation_wording_is_shown_on_the_spanish_page_marked_as_english(client, seeded):
    contact = ClinicContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.confirmation_message = "We answer within two working days."
    contact.save()
    client.post(FORM_URL, answers(spanish_form(client)))
    message = soup_of(client.get(SENT_URL)).select_one(".confirmation-message")
    assert normalise(message.get_text()) == "We answer within two working days."
    assert message["lang"] == "en-US"


def test_a_spanish_patient_may_still_ask_to_be_answered_in_english(client, seeded):
    client.post(FORM_URL, answers(spanish_form(client), preferred_language="en"))
    assert ConsultationRequest.objects.get().preferred_language == ConsultationRequest.Language.ENGLISH


def test_errors_on_the_spanish_form_are_in_spanish_in_the_summary_and_by_each_field(client, seeded):
    soup = spanish_form(client)
    data = answers(soup, full_name="", email="ana@", consent=None, phone="abc", country="Méx\nico")
    response = client.post(FORM_URL, data)
    assert response.status_code == 200
    assert not ConsultationRequest.objects.exists()
    page = soup_of(response)
    assert normalise(page.title.get_text()).startswith("Error: Solicitar una consulta")
    summary = page.select_one(".error-summary")
    assert normalise(summary.h2.get_text()) == "Hay un problema"
    assert [normalise(item.get_text()) for item in summary.select("li")] == [
        "Escriba su nombre completo",
        "Escriba un correo electrónico con el formato correcto, como nombre@ejemplo.com",
        "Escriba un número de teléfono usando solo números, espacios, paréntesis, guiones y un + al principio",
        "Su país debe estar en una sola línea",
        "Marque la casilla para aceptar el aviso de privacidad, para que podamos responderle",
    ]
    by_name = normalise(page.select_one("#id_full_name-error").get_text())
    assert by_name == "Error: Escriba su nombre completo"
    # What was typed is kept.
    assert page.select_one("input[name=email]")["value"] == "ana@"


def test_a_refusal_on_the_spanish_form_is_in_spanish(client, seeded):
    soup = spanish_form(client)
    response = client.post(FORM_URL, answers(soup, form_token="forged"))
    refusal = normalise(soup_of(response).select_one(".error-summary__refusal").get_text())
    assert refusal.startswith("Algo falló en este formulario, así que su solicitud no se envió.")
    assert not ConsultationRequest.objects.exists()


def test_coordinators_see_the_spanish_request_as_wanting_spanish_in_their_list(client, seeded, make_staff):
    client.post(FORM_URL, answers(spanish_form(client)))
    stored = ConsultationRequest.objects.get()
    _, coordinator = make_staff(COORDINATORS, username="coordinator")
    listing = soup_of(coordinator.get(LIST_URL))
    row = next(row for row in listing.select("tbody tr") if "Ana López" in row.get_text())
    assert "Spanish" in [normalise(cell.get_text()) for cell in row.select("td")]
    # In their own (English) admin, the patient's choice is named in English.
    assert stored.get_preferred_language_display() == "Spanish"


def test_the_spanish_privacy_notice_says_what_the_english_one_says_in_spanish(client, seeded):
    english = PrivacyNoticePage.objects.get(locale__language_code=settings.LANGUAGE_CODE)
    spanish = PrivacyNoticePage.objects.get(locale__language_code="es")
    assert spanish.translation_key == english.translation_key and spanish.live
    assert len(PRIVACY_SECTIONS_ES) == len(PRIVACY_SECTIONS)
    for (_, english_texts), (_, spanish_texts) in zip(PRIVACY_SECTIONS, PRIVACY_SECTIONS_ES, strict=True):
        assert len(spanish_texts) == len(english_texts)

    response = client.get(PRIVACY_URL)
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.html["lang"] == "es-MX"
    assert normalise(soup.h1.get_text()) == "Aviso de privacidad"
    headings = [normalise(h2.get_text()) for h2 in soup.select(".privacy-notice h2")]
    assert headings == [
        "Qué datos guardamos",
        "Para qué",
        "Quién puede verlos",
        "Cuánto tiempo los conservamos",
        "Cómo pedir que se borren sus datos",
        "Qué contamos cuando lee una guía",
        "Quién es responsable de sus datos",
    ]
    assert "La clínica aún no ha escrito en este sitio su nombre legal ni su dirección." in normalise(
        soup.get_text(" ")
    )


def test_the_spanish_privacy_notice_names_who_is_responsible_in_spanish(client, seeded):
    contact = ClinicContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.legal_name = "Clínica Ejemplo S.A. de C.V."
    contact.address = "Calle Uno 1\nCabo San Lucas"
    contact.save()
    soup = soup_of(client.get(PRIVACY_URL))
    terms = [normalise(term.get_text()) for term in soup.select(".privacy-notice__controller dt")]
    assert terms == ["Nombre", "Dirección"]


def test_spanish_pages_link_to_the_spanish_form_and_notice_without_saying_english(client, seeded):
    soup = soup_of(client.get("/es/"))
    consultation = soup.select_one(".site-nav__action")
    assert consultation["href"] == FORM_URL and not consultation.has_attr("hreflang")
    assert normalise(consultation.get_text()) == "Solicitar una consulta"
    footer = normalise(soup.select_one("footer").get_text(" "))
    assert "(en inglés)" not in footer
    assert soup.find("a", href=PRIVACY_URL) is not None
    form = spanish_form(client)
    assert form.select_one(".form-hint a")["href"] == PRIVACY_URL


def test_the_form_and_notice_are_made_in_spanish_once_and_kept_in_line(seeded):
    spanish = Locale.objects.get(language_code="es")
    assert ConsultationRequestPage.objects.filter(locale=spanish).count() == 1
    report = seed()
    assert "Consultation request page (Spanish): unchanged" in report
    assert "Privacy notice page (Spanish): unchanged" in report
    assert ConsultationRequestPage.objects.filter(locale=spanish).count() == 1
    assert PrivacyNoticePage.objects.filter(locale=spanish).count() == 1


def test_the_spanish_form_offers_the_spanish_guides_and_records_the_one_it_was_opened_from(client, seeded):
    spanish_guide = publish_in_spanish(therapy_name="Terapia con células NK")
    options = [
        (option["value"], normalise(option.get_text()))
        for option in soup_of(client.get(f"{FORM_URL}?guide={spanish_guide.pk}")).select(
            "select[name=treatment] option"
        )
    ]
    assert options == [
        ("", "Elija un tratamiento"),
        ("nk-cell-therapy", "Terapia con células NK"),
        ("not-sure", "Todavía no lo sé"),
    ]
    english = [
        option.get_text() for option in soup_of(client.get("/consultation/")).select("select[name=treatment] option")
    ]
    assert "Terapia con células NK" not in english

    soup = soup_of(client.get(f"{FORM_URL}?guide={spanish_guide.pk}"))
    client.post(FORM_URL, answers(soup, treatment="nk-cell-therapy", from_guide=str(spanish_guide.pk)))
    stored = ConsultationRequest.objects.get()
    assert stored.treatment == "Terapia con células NK"
    assert stored.sent_from_id == spanish_guide.pk
