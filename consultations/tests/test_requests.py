"""The consultation request form: what a patient sees, sends and is told, and every protection on the way."""

import logging
import time

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.test import Client

from consultations import protection
from consultations.models import ClinicContactSettings, ConsultationRequest
from consultations.notifications import admin_url

FORM_URL = "/consultation/"
SENT_URL = "/consultation/sent/"
GUIDE_SLUG = "nk-cell-therapy"


@pytest.fixture(autouse=True)
def no_waiting(settings):
    # A person takes seconds to fill the form in; the tests do not wait. The timing tests set their own.
    settings.CONSULTATION_MIN_SECONDS = 0


@pytest.fixture
def coordinator_address(seeded):
    from wagtail.models import Site

    contact = ClinicContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.coordinator_email = "coordinators@clinic.test"
    contact.save()
    return contact.coordinator_email


def form_page(client, path=FORM_URL):
    response = client.get(path)
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def form_data(client, **changes):
    _, soup = form_page(client)
    data = {
        "form_token": soup.select_one("input[name=form_token]")["value"],
        "website": "",
        "full_name": "Ana López",
        "email": "ana@example.com",
        "phone": "+52 664 000 0000",
        "country": "Mexico",
        "contact_method": "email",
        "preferred_language": "es",
        "treatment": GUIDE_SLUG,
        "message": "I would like to know more.",
        "consent": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def errors_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".error-summary__list li")]


def refusal_of(response):
    node = BeautifulSoup(response.content, "html.parser").select_one(".error-summary__refusal")
    return node.get_text(strip=True) if node else ""


# --- the page ---------------------------------------------------------------------------------


def test_every_field_has_a_visible_label_and_the_right_autocomplete(client, seeded):
    _, soup = form_page(client)
    form = soup.select_one("form.consultation-form")
    expected = {"full_name": "name", "email": "email", "phone": "tel", "country": "country-name"}
    for name, autocomplete in expected.items():
        field = form.select_one(f"[name={name}]")
        assert field["autocomplete"] == autocomplete
        assert form.select_one(f"label[for={field['id']}]").get_text(strip=True)
    assert form.select_one("[name=phone]")["type"] == "tel" and form.select_one("[name=email]")["type"] == "email"
    for group in ("contact_method", "preferred_language"):
        fieldset = form.select_one(f"[name={group}]").find_parent("fieldset")
        assert fieldset.legend.get_text(strip=True)
    assert [o.get_text() for o in form.select("[name=preferred_language] ~ label, .form-radio label")][-2:] == [
        "English",
        "Spanish",
    ]
    assert form.select_one("[name=message]")["maxlength"] == "1000"
    assert "1000 characters" in form.select_one("#id_message-hint").get_text()
    assert "medical history" in soup.select_one("main").get_text()
    # Consent links to the privacy notice.
    assert form.select_one("#id_consent-hint a")["href"] == "/privacy/"
    # The honeypot is hidden by the stylesheet, not by anything a program reads in the markup.
    assert form.select_one(".form-trap [name=website]")


def test_treatments_are_the_published_guides_and_not_sure(client, seeded):
    _, soup = form_page(client)
    options = [(o["value"], o.get_text()) for o in soup.select("[name=treatment] option")]
    assert options == [("", "Choose a treatment"), (GUIDE_SLUG, "NK cell therapy"), ("not-sure", "I'm not sure yet")]


def test_coming_from_a_guide_the_treatment_is_chosen(client, guide):
    _, soup = form_page(client, f"{FORM_URL}?guide={guide.pk}")
    assert soup.select_one("[name=treatment] option[selected]")["value"] == GUIDE_SLUG
    assert soup.select_one("input[name=from_guide]")["value"] == str(guide.pk)
    for nonsense in ("<script>", "99999999", "1e3", "٣"):
        _, soup = form_page(client, f"{FORM_URL}?guide={nonsense}")
        assert soup.select_one("[name=treatment] option[selected]")["value"] == ""
        assert not soup.select_one("input[name=from_guide]").get("value")


def test_the_guides_invitation_is_a_card_that_leads_to_the_form_with_its_treatment(client, guide):
    soup = BeautifulSoup(client.get(f"/guides/{GUIDE_SLUG}/").content, "html.parser")
    link = soup.select_one(".consultation-card a")
    assert link["href"] == f"{FORM_URL}?guide={guide.pk}"
    assert link.get_text() == "Schedule your consultation to learn more."


def test_every_way_from_a_guide_to_the_form_names_the_guide_and_no_other_page_does(client, guide):
    from_guide = f"{FORM_URL}?guide={guide.pk}"
    soup = BeautifulSoup(client.get(f"/guides/{GUIDE_SLUG}/").content, "html.parser")
    ways = {
        "header": soup.select_one(".site-header a.site-nav__action"),
        "card": soup.select_one(".consultation-card a"),
        "disclaimer": soup.select_one(".disclaimer a"),
        "footer": soup.select_one(".site-footer__links a"),
    }
    assert {name: link["href"] for name, link in ways.items()} == dict.fromkeys(ways, from_guide)
    for path in ("/", "/guides/", "/privacy/"):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        hrefs = {a["href"] for a in soup.select("a") if a["href"].startswith(FORM_URL)}
        assert hrefs == {FORM_URL}, path


def test_the_form_page_is_never_stored_by_the_page_cache_or_a_proxy(client, seeded):
    for _ in range(2):
        response = client.get(FORM_URL)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response.get("X-Page-Cache") != "hit"
    first = BeautifulSoup(client.get(FORM_URL).content, "html.parser").select_one("[name=form_token]")["value"]
    second = BeautifulSoup(client.get(FORM_URL).content, "html.parser").select_one("[name=form_token]")["value"]
    assert first != second  # each visitor's form is its own


def test_other_methods_are_refused(client, seeded):
    assert client.put(FORM_URL).status_code == 405
    assert client.delete(FORM_URL).status_code == 405


# --- sending ----------------------------------------------------------------------------------


def test_a_request_is_stored_the_patient_is_sent_to_the_confirmation_and_the_coordinators_told(
    client, coordinator_address
):
    response = client.post(FORM_URL, form_data(client))
    assert response.status_code == 303 and response["Location"] == SENT_URL
    stored = ConsultationRequest.objects.get()
    assert (stored.full_name, stored.email, stored.treatment, stored.preferred_language) == (
        "Ana López",
        "ana@example.com",
        "NK cell therapy",
        "es",
    )
    assert stored.status == "new" and stored.consented_at is not None

    confirmation = client.get(SENT_URL)
    assert confirmation.status_code == 200 and "no-store" in confirmation["Cache-Control"]
    text = BeautifulSoup(confirmation.content, "html.parser").select_one("main").get_text(" ")
    assert "Request sent" in text and "will contact you in the way you asked" in text

    (message,) = mail.outbox
    assert message.to == [coordinator_address]
    assert admin_url(stored) in message.body
    for detail in ("Ana", "López", "ana@example.com", "664", "Mexico", "NK cell", "know more"):
        assert detail not in message.body and detail not in message.subject


def test_the_confirmation_wording_is_the_clinics_setting(client, coordinator_address):
    contact = ClinicContactSettings.objects.get()
    contact.confirmation_message = "We will call you on Monday."
    contact.save()
    assert "We will call you on Monday." in client.get(SENT_URL).content.decode()


def test_pressing_send_twice_or_reloading_stores_one_request(client, coordinator_address):
    data = form_data(client)
    for _ in range(3):
        response = client.post(FORM_URL, data)
        assert response.status_code == 303 and response["Location"] == SENT_URL
    assert ConsultationRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_not_sure_is_stored_as_not_sure(client, seeded):
    client.post(FORM_URL, form_data(client, treatment="not-sure"))
    assert ConsultationRequest.objects.get().treatment == "Not sure"


def test_when_email_fails_the_request_is_kept_and_the_failure_logged_without_details(
    client, coordinator_address, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailBackend"
    with caplog.at_level(logging.WARNING, logger="consultations"):
        response = client.post(FORM_URL, form_data(client))
    assert response.status_code == 303
    stored = ConsultationRequest.objects.get()
    assert str(stored) in caplog.text and "could not be sent" in caplog.text
    assert "mail server down" in caplog.text  # the broken server of this test, not a missing backend
    assert "Ana" not in caplog.text and "ana@example.com" not in caplog.text


def test_without_a_coordinators_address_the_request_is_kept_and_the_log_says_so(client, seeded, caplog):
    with caplog.at_level(logging.WARNING, logger="consultations"):
        assert client.post(FORM_URL, form_data(client)).status_code == 303
    assert ConsultationRequest.objects.count() == 1 and not mail.outbox
    assert "no coordinators' email address is set" in caplog.text


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


# --- mistakes and bad input --------------------------------------------------------------------


def test_a_wrong_email_is_named_in_the_summary_and_by_the_field_and_everything_typed_is_kept(client, seeded):
    response = client.post(FORM_URL, form_data(client, email="ana.example.com", message="Hola <b>amigos</b>"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.title.get_text().startswith("Error: ")
    summary = soup.select_one(".error-summary")
    assert summary["role"] == "alert"
    link = summary.select_one("a")
    assert link["href"] == "#id_email"
    assert link.get_text() == "Enter an email address in the correct format, like name@example.com"
    field = soup.select_one("#id_email")
    assert field["aria-invalid"] == "true"
    assert "id_email-error" in field["aria-describedby"].split()
    assert soup.select_one("#id_email-error").get_text(" ", strip=True).endswith("like name@example.com")
    assert field["value"] == "ana.example.com"
    assert soup.select_one("#id_full_name")["value"] == "Ana López"
    assert soup.select_one("#id_message").get_text().lstrip("\n") == "Hola <b>amigos</b>"
    assert soup.select_one("[name=treatment] option[selected]")["value"] == GUIDE_SLUG
    assert ConsultationRequest.objects.count() == 0


def test_every_missing_answer_is_named(client, seeded):
    data = form_data(client, full_name="", email="", country="", treatment="", consent=None)
    data.pop("contact_method")
    errors = errors_of(client.post(FORM_URL, data))
    assert errors == [
        "Enter your full name",
        "Enter your email address",
        "Enter the country you live in",
        "Choose how you would like us to contact you",
        "Choose a treatment, or “I'm not sure yet”",
        "Tick the box to agree to the privacy notice, so that we can reply to you",
    ]
    radio_link = BeautifulSoup(client.post(FORM_URL, data).content, "html.parser").select(".error-summary a")[3]
    assert radio_link["href"] == "#id_contact_method_0"


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("full_name", "Ana\r\nBcc: victim@example.com", "Your name must be on one line"),
        ("email", "ana@example.com\nBcc: victim@example.com", "Enter an email address in the correct format"),
        ("country", "Mexico\nX-Injected: 1", "Your country must be on one line"),
        ("phone", "call me maybe", "Enter a phone number using only numbers"),
        ("full_name", "x" * 201, "Your name must be 200 characters or fewer"),
        ("message", "x" * 1001, "Your message must be 1000 characters or fewer"),
        ("country", "x" * 101, "The country must be 100 characters or fewer"),
        ("treatment", "not-a-guide", "Select a valid choice"),
        ("full_name", "Ana\x00", "Null characters are not allowed"),
    ],
)
def test_bad_input_is_refused_with_a_message_that_names_it(client, seeded, field, value, error):
    response = client.post(FORM_URL, form_data(client, **{field: value}))
    assert response.status_code == 200
    assert any(message.startswith(error) for message in errors_of(response)), errors_of(response)
    assert ConsultationRequest.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        "محمد عبد الله",  # right to left
        "王小明",
        "Zoë 😊 O'Brien-Łukasz",
        "\"'><img src=x onerror=alert(1)>",
    ],
)
def test_any_name_is_stored_as_typed_and_shown_escaped(client, seeded, name, django_user_model):
    message = f"{name} — <a href='javascript:alert(1)'>link</a>"
    assert client.post(FORM_URL, form_data(client, full_name=name, message=message)).status_code == 303
    stored = ConsultationRequest.objects.get()
    assert stored.full_name == name and stored.message == message

    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("boss", "boss@clinic.test", "a-long-password"))
    for url in ("/admin/snippets/consultations/consultationrequest/", admin_url(stored).split("8000", 1)[1]):
        html = staff.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html and "<a href='javascript" not in html
    listing = BeautifulSoup(staff.get("/admin/snippets/consultations/consultationrequest/").content, "html.parser")
    assert name in listing.get_text()


# --- protections -------------------------------------------------------------------------------


def test_a_filled_honeypot_is_told_sent_but_nothing_is_stored(client, coordinator_address):
    response = client.post(FORM_URL, form_data(client, website="http://spam.example"))
    assert response.status_code == 303 and response["Location"] == SENT_URL
    assert ConsultationRequest.objects.count() == 0 and not mail.outbox


def test_a_form_sent_too_fast_is_held_back_calmly_and_pressing_again_later_sends_it(client, seeded, settings):
    settings.CONSULTATION_MIN_SECONDS = 1
    data = form_data(client)
    response = client.post(FORM_URL, data)
    assert response.status_code == 200 and "sent very quickly" in refusal_of(response)
    assert ConsultationRequest.objects.count() == 0
    kept = BeautifulSoup(response.content, "html.parser")
    assert kept.select_one("#id_full_name")["value"] == "Ana López"
    assert kept.select_one("[name=form_token]")["value"] == data["form_token"]
    time.sleep(1.1)
    assert client.post(FORM_URL, data).status_code == 303
    assert ConsultationRequest.objects.count() == 1


def test_a_form_left_open_too_long_is_drawn_again_with_what_was_typed(client, seeded, settings):
    settings.CONSULTATION_MAX_SECONDS = 1
    data = form_data(client)
    time.sleep(2.1)
    response = client.post(FORM_URL, data)
    assert response.status_code == 200 and "open for a long time" in refusal_of(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_email")["value"] == "ana@example.com"
    fresh = soup.select_one("[name=form_token]")["value"]
    assert fresh != data["form_token"]
    settings.CONSULTATION_MAX_SECONDS = 60
    assert client.post(FORM_URL, dict(data, form_token=fresh)).status_code == 303
    assert ConsultationRequest.objects.count() == 1


@pytest.mark.parametrize("token", ["", "forged", signing.dumps({"id": "x", "at": 0}, salt="another-salt")])
def test_a_missing_or_forged_form_token_is_refused_calmly(client, seeded, token):
    response = client.post(FORM_URL, form_data(client, form_token=token))
    assert response.status_code == 200 and "Something went wrong with this form" in refusal_of(response)
    assert ConsultationRequest.objects.count() == 0


def test_each_visitor_address_may_send_a_few_requests_an_hour_then_is_told_calmly(client, seeded, settings):
    settings.CONSULTATION_RATE_LIMIT = (2, 3600)
    for _ in range(2):
        assert client.post(FORM_URL, form_data(client), REMOTE_ADDR="203.0.113.7").status_code == 303
    response = client.post(FORM_URL, form_data(client), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429 and "try again in an hour" in refusal_of(response)
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_full_name")["value"] == "Ana López"
    # Someone else is not affected.
    assert client.post(FORM_URL, form_data(client), REMOTE_ADDR="203.0.113.8").status_code == 303
    assert ConsultationRequest.objects.count() == 3


def test_the_rate_limit_counts_the_visitor_behind_the_clinics_proxy_not_a_forged_header(client, seeded, settings):
    settings.CONSULTATION_RATE_LIMIT = (1, 3600)
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # The proxy appends the real visitor; what the visitor wrote to its left is ignored.
    first = {**proxy, "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.1"}
    assert client.post(FORM_URL, form_data(client), **first).status_code == 303
    forged = {**proxy, "HTTP_X_FORWARDED_FOR": "9.9.9.9, 198.51.100.1"}
    assert client.post(FORM_URL, form_data(client), **forged).status_code == 429
    other = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.post(FORM_URL, form_data(client), **other).status_code == 303


def test_the_token_id_survives_only_with_its_signature():
    check = protection.check_form_token(protection.new_form_token())
    assert check.problem == "" and check.submission_id is not None
    assert protection.check_form_token("x" * 400).problem == "missing"


def test_the_disclaimers_words_schedule_a_consultation_lead_to_the_form(client, guide):
    soup = BeautifulSoup(client.get(f"/guides/{GUIDE_SLUG}/").content, "html.parser")
    disclaimer = soup.select_one(".disclaimer")
    link = disclaimer.select_one("a")
    assert link.get_text() == "schedule a consultation" and link["href"] == f"{FORM_URL}?guide={guide.pk}"
    assert disclaimer.get_text(" ", strip=True).endswith("For personalized guidance, please schedule a consultation .")


def test_a_form_refused_by_the_csrf_check_gets_a_calm_page_that_says_what_to_do(seeded):
    strict = Client(enforce_csrf_checks=True)
    data = form_data(Client())
    response = strict.post(FORM_URL, data)
    assert response.status_code == 403
    text = BeautifulSoup(response.content, "html.parser").select_one("main").get_text(" ")
    assert "Your form was not sent" in text and "allow cookies for this site" in text
    assert ConsultationRequest.objects.count() == 0


def test_the_header_marks_the_consultation_link_as_the_current_page_there(client, seeded):
    soup = BeautifulSoup(client.get(FORM_URL).content, "html.parser")
    assert soup.select_one(".site-header .site-nav__action")["aria-current"] == "page"
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert not soup.select_one(".site-header .site-nav__action").has_attr("aria-current")


# --- which guide the request came from --------------------------------------------------------


def form_data_from(client, path, **changes):
    _, soup = form_page(client, path)
    data = form_data(client, **changes)
    data["form_token"] = soup.select_one("input[name=form_token]")["value"]
    hidden = soup.select_one("input[name=from_guide]")
    data["from_guide"] = hidden.get("value", "") if hidden else ""
    return data


def test_a_request_made_from_a_guides_invitation_records_that_guide(client, coordinator_address):
    from pages.models import GuidePage

    guide = GuidePage.objects.get(slug=GUIDE_SLUG)
    # The patient followed the guide's invitation, then chose another answer for the treatment.
    data = form_data_from(client, f"{FORM_URL}?guide={guide.pk}", treatment="not-sure")
    assert client.post(FORM_URL, data).status_code == 303
    stored = ConsultationRequest.objects.get()
    assert stored.sent_from == guide and stored.treatment == "Not sure"
    assert "nk-cell" not in mail.outbox[0].body.lower()  # never in the email


@pytest.mark.parametrize("path", [FORM_URL, f"{FORM_URL}?guide=99999999", f"{FORM_URL}?treatment={GUIDE_SLUG}"])
def test_a_request_not_made_from_a_guide_records_none(client, seeded, path):
    assert client.post(FORM_URL, form_data_from(client, path)).status_code == 303
    assert ConsultationRequest.objects.get().sent_from is None


def test_a_guide_named_by_hand_in_the_post_that_is_not_published_is_not_recorded(client, guide):
    guide.unpublish()
    data = form_data(client, treatment="not-sure", from_guide=str(guide.pk))
    assert client.post(FORM_URL, data).status_code == 303
    assert ConsultationRequest.objects.get().sent_from is None
