"""From reading a guide to a consultation request, and the coordinator who answers it, in Chromium on a phone."""

import csv
import io
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from consultations.audit import EXPORT_ACTION, VIEW_ACTION
from consultations.models import ConsultationRequest
from consultations.roles import COORDINATORS
from pages.models import GuidePage
from tests.browser.staff import no_problems, sign_in, sign_in_with_second_factor, staff_member
from tests.browser.support import axe_violations
from tests.support import GUIDE_URL

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
# Screenshots to look at after a run (test-results/ is not kept in the repository).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "consultations"
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def quick_patients(settings):
    # A person takes longer than this between opening the form and sending it; the tests type fast.
    settings.CONSULTATION_MIN_SECONDS = 1


def fill_in_the_form(page, email):
    page.get_by_label("Full name").fill("Ana López")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Country you live in").fill("Mexico")
    page.get_by_label("Spanish").check()
    page.get_by_label("I have read the privacy notice").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_patient_follows_the_invitation_corrects_their_email_and_sends_a_request(site, chromium, javascript):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site + GUIDE_URL)
    invitation = page.get_by_role("link", name="Schedule your consultation to learn more.")
    invitation.scroll_into_view_if_needed()
    invitation.click()
    page.wait_for_url(f"**/consultation/?guide={GuidePage.objects.get().pk}")
    assert page.get_by_role("heading", level=1).inner_text() == "Request a consultation"
    assert page.get_by_label("Treatment you are interested in").input_value() == "nk-cell-therapy"

    fill_in_the_form(page, "ana.example.com")
    page.wait_for_timeout(1_100)
    page.get_by_role("button", name="Send request").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    error_link = summary.get_by_role("link", name="Enter an email address in the correct format, like name@example.com")
    page.screenshot(path=SCREENSHOTS / f"consultation-error-{'js' if javascript else 'no-js'}.png", full_page=True)
    error_link.click()
    email = page.get_by_label("Email address")
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert email.input_value() == "ana.example.com"  # what was typed is kept
    assert email.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Full name").input_value() == "Ana López"
    assert page.get_by_label("Spanish").is_checked()

    email.fill("ana@example.com")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/consultation/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == "Request sent"
    assert "will contact you in the way you asked" in page.locator("main").inner_text()
    page.screenshot(path=SCREENSHOTS / f"consultation-sent-{'js' if javascript else 'no-js'}.png", full_page=True)

    page.reload()  # reloading the confirmation sends nothing again
    stored = ConsultationRequest.objects.get()
    assert (stored.full_name, stored.email, stored.treatment, stored.preferred_language) == (
        "Ana López",
        "ana@example.com",
        "NK cell therapy",
        "es",
    )
    context.close()


def test_the_header_and_footer_lead_to_the_consultation_and_privacy_pages_on_a_phone(site, phone):
    phone.goto(site + "/")
    phone.locator(".site-header").get_by_role("link", name="Request a consultation").click()
    phone.wait_for_url("**/consultation/")
    phone.get_by_role("link", name="Read the privacy notice").click()
    phone.wait_for_url("**/privacy/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Privacy notice"
    footer = phone.locator("footer.site-footer")
    assert footer.get_by_role("link", name="Request a consultation").is_visible()
    # On a short page the footer still reaches the bottom of the window.
    phone.goto(site + "/consultation/sent/")
    box = phone.locator("footer.site-footer").bounding_box()
    assert box["y"] + box["height"] >= PHONE["height"] - 1
    # Touch targets at least 24 by 24 CSS pixels.
    for target in phone.locator(".site-header a, .site-header input, .site-header button, footer.site-footer a").all():
        size = target.bounding_box()
        assert size["height"] >= 24 and size["width"] >= 24, target.inner_text()
    phone.screenshot(path=SCREENSHOTS / "consultation-frame-phone.png", full_page=True)


def test_the_header_is_compact_on_a_phone(site, phone):
    phone.goto(site + GUIDE_URL)
    header = phone.locator(".site-header").bounding_box()
    name = phone.locator(".site-header__name").bounding_box()
    guides = phone.locator(".site-header").get_by_role("link", name="Guides", exact=True).bounding_box()
    action = phone.locator(".site-header").get_by_role("link", name="Request a consultation").bounding_box()
    search = phone.locator(".site-header form[role=search]").bounding_box()
    # Three short rows: the clinic's name, then Guides beside the main action, then the one search form.
    assert name["height"] < 40  # one line
    assert abs(guides["y"] + guides["height"] / 2 - (action["y"] + action["height"] / 2)) < 4
    assert name["y"] + name["height"] <= action["y"] and action["y"] + action["height"] <= search["y"]
    assert header["height"] <= 160, header  # a fifth of a 740-pixel screen at most
    assert phone.locator("form[role=search]").count() == 1
    # The search box keeps its name for screen readers (its label), and its button says what it does.
    assert phone.get_by_role("searchbox", name="Search the guides").is_visible()
    phone.screenshot(path=SCREENSHOTS / "consultation-header-phone.png")


@pytest.mark.parametrize("width", [960, 1280])
def test_the_header_is_one_row_with_the_search_form_on_a_desktop(site, chromium, width):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site + GUIDE_URL)  # a guide's page is wider than the others
    name = page.locator(".site-header__name").bounding_box()
    nav = page.locator(".site-header nav").bounding_box()
    action = page.locator(".site-header").get_by_role("link", name="Request a consultation").bounding_box()
    search = page.locator(".site-header form[role=search]").bounding_box()
    button = page.locator(".site-header").get_by_role("button", name="Search").bounding_box()
    assert abs(name["y"] - search["y"]) < 40 and abs(action["y"] - search["y"]) < 40
    assert name["height"] < 40 and nav["height"] < 60  # neither wraps onto a second line
    assert button["x"] + button["width"] <= width  # nothing runs off the window
    assert page.locator("form[role=search]").count() == 1
    page.screenshot(path=SCREENSHOTS / f"consultation-header-desktop-{width}.png")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_no_axe_violations_on_the_empty_form_the_error_state_and_the_confirmation(site, chromium, viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(site + "/consultation/")
    count, report = axe_violations(page)
    assert count == 0, report
    page.get_by_role("button", name="Send request").click()
    page.locator(".error-summary").wait_for()
    count, report = axe_violations(page)
    assert count == 0, report
    page.goto(site + "/consultation/sent/")
    count, report = axe_violations(page)
    assert count == 0, report
    page.goto(site + "/privacy/")
    count, report = axe_violations(page)
    assert count == 0, report
    context.close()


def a_request():
    return ConsultationRequest.objects.create(
        submission_token=uuid.uuid4(),
        consented_at=timezone.now(),
        full_name="Ana López",
        email="ana@example.com",
        phone="+52 664 000 0000",
        country="Mexico",
        treatment="NK cell therapy",
        message="Hola",
    )


def test_a_coordinator_finds_a_request_marks_it_contacted_adds_a_note_and_exports(site, chromium, settings):
    settings.SECOND_FACTOR_REQUIRED = True  # as in production: a coordinator sees patients' details
    coordinator = staff_member("coordinator", COORDINATORS)
    other = ConsultationRequest.objects.create(
        submission_token=uuid.uuid4(), consented_at=timezone.now(), full_name="Bruno Díaz", email="b@example.com"
    )
    consultation = a_request()
    page = sign_in_with_second_factor(chromium, site, "coordinator", viewport=PHONE)
    # The dashboard: how many requests wait, that nobody is emailed yet, and no page search they are refused.
    dashboard = page.locator("main")
    assert "Nobody is emailed when a patient sends a request" in dashboard.inner_text()
    assert page.get_by_role("search").count() == 0
    page.screenshot(path=SCREENSHOTS / "consultation-coordinator-dashboard.png", full_page=True)
    assert axe_violations(page)[0] == 0, axe_violations(page)[1]
    page.get_by_role("link", name="2 new requests").click()
    page.wait_for_url("**/admin/snippets/consultations/consultationrequest/?status=new")
    page.get_by_role("button", name="Toggle sidebar").click()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Consultation requests").click()
    page.wait_for_url("**/admin/snippets/consultations/consultationrequest/")
    assert page.get_by_text("Bruno Díaz").is_visible()
    search = page.locator("form.w-slim-header__search-form").get_by_role("textbox")
    search.press_sequentially("López", delay=40)
    page.get_by_text("Bruno Díaz").wait_for(state="detached")
    page.get_by_role("link", name=f"Consultation request #{consultation.pk}").click()
    page.wait_for_url(f"**/edit/{consultation.pk}/")
    assert "ana@example.com" in page.locator("main").inner_text()
    # One press starts an email or a call to the patient.
    assert page.get_by_role("link", name="ana@example.com").get_attribute("href") == "mailto:ana@example.com"
    assert page.get_by_role("link", name="+52 664 000 0000").get_attribute("href") == "tel:+526640000000"
    page.get_by_role("link", name="+52 664 000 0000").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "consultation-coordinator-contact-links.png")
    page.get_by_role("combobox", name="Status").select_option(label="Contacted")
    page.get_by_label("Internal notes").fill("Called on Monday; will call back.")
    page.screenshot(path=SCREENSHOTS / "consultation-coordinator-edit.png", full_page=True)
    page.locator("footer").get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/snippets/consultations/consultationrequest/")
    consultation.refresh_from_db()
    assert consultation.status == "contacted"
    assert consultation.internal_notes == "Called on Monday; will call back."

    page.get_by_text("Bruno Díaz").wait_for()  # the list again, unfiltered
    page.get_by_role("button", name="Actions").click()
    assert page.get_by_role("link", name="Download XLSX").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert {row["Full name"] for row in rows} == {"Ana López", "Bruno Díaz"}
    assert next(row for row in rows if row["Full name"] == "Ana López")["Status"] == "Contacted"
    viewed = ModelLogEntry.objects.filter(action=VIEW_ACTION, user=coordinator)
    assert list(viewed.values_list("object_id", flat=True)) == [str(consultation.pk)]
    exported = ModelLogEntry.objects.filter(action=EXPORT_ACTION, user=coordinator)
    assert set(exported.values_list("object_id", flat=True)) == {str(consultation.pk), str(other.pk)}
    assert no_problems(page) == []
    page.context.close()


def test_an_editor_cannot_reach_consultation_requests(site, chromium):
    staff_member("editor", "Editors")
    consultation = a_request()
    page = sign_in(chromium, site, "editor", viewport=PHONE)
    page.get_by_role("button", name="Toggle sidebar").click()
    assert page.get_by_role("link", name="Consultation requests").count() == 0
    page.goto(f"{site}/admin/snippets/consultations/consultationrequest/edit/{consultation.pk}/")
    page.wait_for_url(site + "/admin/")
    assert "Sorry, you do not have permission to access this area." in page.locator("body").inner_text()
    assert "Ana" not in page.content()
    page.goto(f"{site}/admin/snippets/consultations/consultationrequest/")
    page.wait_for_url(site + "/admin/")
    assert not ModelLogEntry.objects.filter(action=VIEW_ACTION).exists()
    page.context.close()
