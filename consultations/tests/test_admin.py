"""The coordinators' side: who sees requests, what is logged, export, retention and erasure, and the site frame."""

import csv
import datetime
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry, Site

from consultations.audit import ERASE_ACTION, EXPORT_ACTION, LIST_ACTION, PURGE_ACTION, VIEW_ACTION
from consultations.models import ClinicContactSettings, ConsultationRequest
from consultations.roles import COORDINATORS
from tests.support import normalise

LIST_URL = "/admin/snippets/consultations/consultationrequest/"
ERASE_URL = "/admin/consultations/erase/"
PATIENT = {
    "full_name": "Ana López",
    "email": "Ana@Example.com",
    "phone": "+52 664 000 0000",
    "country": "Mexico",
    "treatment": "NK cell therapy",
    "message": '=HYPERLINK("http://evil.example")',
}


def edit_url(consultation):
    return f"{LIST_URL}edit/{consultation.pk}/"


def make_request(**changes):
    import uuid

    fields = {**PATIENT, "submission_token": uuid.uuid4(), "consented_at": timezone.now(), **changes}
    return ConsultationRequest.objects.create(**fields)


def refused(response):
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def logged(action):
    return ModelLogEntry.objects.filter(action=action)


@pytest.fixture
def coordinator(make_staff, seeded):
    return make_staff(COORDINATORS, username="coordinator")


# --- who sees requests ---------------------------------------------------------------------


def test_the_coordinators_group_is_made_by_the_migration_with_only_these_permissions(db):
    codenames = set(Group.objects.get(name=COORDINATORS).permissions.values_list("codename", flat=True))
    assert codenames == {
        "access_admin",
        "view_consultationrequest",
        "change_consultationrequest",
        "delete_consultationrequest",
        "erase_consultationrequest",
        # Which guides lead to requests, as totals (the impact app's "Guide impact" report).
        "view_dailyfigures",
    }


def test_coordinators_see_the_menu_item_and_the_list(coordinator):
    consultation = make_request()
    _, client = coordinator
    dashboard = client.get("/admin/").content.decode()
    assert "Consultation requests" in dashboard
    listing = client.get(LIST_URL)
    assert listing.status_code == 200 and "Ana López" in listing.content.decode()
    assert client.get(edit_url(consultation)).status_code == 200
    # Requests come from patients only: no "Add" for anyone.
    assert refused(client.get(f"{LIST_URL}add/"))


@pytest.mark.parametrize("group", ["Editors", "Medical reviewers", "Moderators"])
def test_other_staff_neither_see_nor_reach_requests(make_staff, seeded, group):
    consultation = make_request()
    _, client = make_staff(group)
    # Neither the menu item nor the panel (the "Guide impact" panel counts requests, naming none).
    dashboard = client.get("/admin/").content.decode()
    assert LIST_URL not in dashboard and 'id="consultation-requests' not in dashboard
    for url in (
        LIST_URL,
        edit_url(consultation),
        f"{LIST_URL}?export=csv",
        ERASE_URL,
        f"{LIST_URL}delete/{consultation.pk}/",
    ):
        response = client.get(url)
        assert refused(response), (url, response.status_code)
        assert b"Ana" not in response.content
    assert refused(client.post(ERASE_URL, {"email": PATIENT["email"], "confirm": "on"}))
    assert ConsultationRequest.objects.count() == 1
    assert not logged(VIEW_ACTION).exists() and not logged(EXPORT_ACTION).exists()


def test_anonymous_visitors_are_sent_to_sign_in(seeded, client):
    consultation = make_request()
    for url in (LIST_URL, edit_url(consultation), ERASE_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_superusers_see_requests(staff_client):
    make_request()
    assert staff_client.get(LIST_URL).status_code == 200


# --- working on a request -------------------------------------------------------------------


def test_a_coordinator_marks_contacted_assigns_and_notes_and_the_patients_words_cannot_change(coordinator):
    user, client = coordinator
    consultation = make_request()
    response = client.post(
        edit_url(consultation),
        {
            "status": "contacted",
            "assigned_to": user.pk,
            "internal_notes": "Called, will call back Tuesday.",
            "full_name": "Changed",
            "email": "changed@example.com",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation.refresh_from_db()
    assert (consultation.status, consultation.assigned_to, consultation.internal_notes) == (
        "contacted",
        user,
        "Called, will call back Tuesday.",
    )
    assert (consultation.full_name, consultation.email) == (PATIENT["full_name"], PATIENT["email"])


def test_only_coordinators_and_superusers_can_be_assigned(coordinator, make_staff):
    user, client = coordinator
    editor, _ = make_staff("Editors")
    consultation = make_request()
    soup = BeautifulSoup(client.get(edit_url(consultation)).content, "html.parser")
    choices = {option.get_text(strip=True) for option in soup.select("[name=assigned_to] option") if option["value"]}
    assert user.get_username() in " ".join(choices) and editor.get_username() not in " ".join(choices)


def test_filters_and_search_find_requests(coordinator):
    _, client = coordinator
    make_request()
    make_request(full_name="Bruno Díaz", email="bruno@example.com", status="booked")
    by_status = client.get(LIST_URL, {"status": "booked"}).content.decode()
    assert "Bruno Díaz" in by_status and "Ana López" not in by_status
    by_search = client.get(LIST_URL, {"q": "bruno@example"}).content.decode()
    assert "Bruno Díaz" in by_search and "Ana López" not in by_search


# --- the audit log -------------------------------------------------------------------------


def test_opening_a_request_is_written_to_the_audit_log_with_who_and_which(coordinator):
    user, client = coordinator
    consultation = make_request()
    client.get(edit_url(consultation))
    entry = logged(VIEW_ACTION).get()
    assert entry.user == user and entry.object_id == str(consultation.pk)
    assert entry.label == f"Consultation request #{consultation.pk}"


def test_seeing_requests_in_the_list_is_written_to_the_audit_log_for_each_patient_shown(coordinator):
    user, client = coordinator
    ana, bruno = make_request(), make_request(full_name="Bruno Díaz", email="bruno@example.com")
    listing = client.get(LIST_URL).content.decode()
    assert "Ana López" in listing and "Bruno Díaz" in listing
    entries = logged(LIST_ACTION)
    assert sorted(entries.values_list("object_id", flat=True)) == sorted([str(ana.pk), str(bruno.pk)])
    assert set(entries.values_list("user", flat=True)) == {user.pk}
    # The log names the request, never the patient.
    assert not entries.filter(label__contains="Ana").exists() and not entries.filter(label__contains="Bruno").exists()

    # A search (the results Wagtail fetches as the coordinator types) is logged for what it shows only.
    entries.delete()
    found = client.get(LIST_URL + "results/", {"q": "bruno@example"}).content.decode()
    assert "Bruno Díaz" in found and "Ana López" not in found
    assert list(logged(LIST_ACTION).values_list("object_id", flat=True)) == [str(bruno.pk)]

    # An empty list shows nobody and logs nothing; an export is logged as an export, not as the list.
    logged(LIST_ACTION).delete()
    client.get(LIST_URL, {"q": "nobody-has-this-name"})
    client.get(LIST_URL, {"export": "csv"})
    assert not logged(LIST_ACTION).exists() and logged(EXPORT_ACTION).count() == 2


def test_a_refused_save_draws_the_details_again_and_is_logged_as_a_view(coordinator):
    user, client = coordinator
    consultation = make_request()
    response = client.post(edit_url(consultation), {"status": "no-such-status", "internal_notes": ""})
    assert response.status_code == 200 and "Ana López" in response.content.decode()
    assert logged(VIEW_ACTION).filter(user=user, object_id=str(consultation.pk)).count() == 1


def test_export_is_csv_of_every_field_logged_per_request_and_safe_to_open_in_a_spreadsheet(coordinator):
    user, client = coordinator
    first, second = make_request(), make_request(full_name="Bruno Díaz", email="bruno@example.com")
    response = client.get(LIST_URL, {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["Full name"] for row in rows} == {"Ana López", "Bruno Díaz"}
    ana = next(row for row in rows if row["Full name"] == "Ana López")
    assert ana["Email"] == PATIENT["email"] and ana["Phone"] == PATIENT["phone"]
    assert ana["Message"] == "'" + PATIENT["message"]  # never a formula
    assert set(logged(EXPORT_ACTION).values_list("object_id", flat=True)) == {str(first.pk), str(second.pk)}
    assert set(logged(EXPORT_ACTION).values_list("user", flat=True)) == {user.pk}
    # Only CSV is offered.
    assert client.get(LIST_URL, {"export": "xlsx"})["Content-Type"].startswith("text/html")


# --- retention and erasure -----------------------------------------------------------------


def test_purge_deletes_closed_requests_past_the_retention_period_and_logs_only_their_numbers(seeded, caplog):
    now = timezone.now()
    old_closed = make_request(status="closed")
    ConsultationRequest.objects.filter(pk=old_closed.pk).update(closed_at=now - datetime.timedelta(days=400))
    recent_closed = make_request(status="closed")
    old_open = make_request(status="contacted", received_at=now - datetime.timedelta(days=800))
    out = io.StringIO()
    call_command("purge_consultations", stdout=out)
    assert "Deleted 1 closed consultation request older than 12 months" in out.getvalue()
    assert set(ConsultationRequest.objects.values_list("pk", flat=True)) == {recent_closed.pk, old_open.pk}
    entry = logged(PURGE_ACTION).get()
    assert entry.object_id == str(old_closed.pk) and entry.user is None
    assert "Ana" not in str(entry.data) + entry.label and "Ana" not in caplog.text


def test_purge_follows_the_clinics_setting_and_refuses_a_nonsense_override(seeded):
    contact = ClinicContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.retention_months = 1
    contact.save()
    closed = make_request(status="closed")
    ConsultationRequest.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - datetime.timedelta(days=40))
    call_command("purge_consultations", stdout=io.StringIO())
    assert not ConsultationRequest.objects.exists()
    with pytest.raises(CommandError, match="between 1 and 120"):
        call_command("purge_consultations", "--months", "0")


def test_reopening_a_closed_request_restarts_its_clock(seeded):
    consultation = make_request(status="closed")
    assert consultation.closed_at is not None
    consultation.status = "booked"
    consultation.save()
    assert consultation.closed_at is None


def test_erasure_by_command_deletes_every_request_from_that_address_and_logs_no_address(seeded, caplog):
    make_request()
    make_request(email="ana@example.COM", status="closed")
    keep = make_request(email="someone.else@example.com")
    out = io.StringIO()
    call_command("erase_consultations", "ana@example.com", stdout=out)
    assert "Erased 2 consultation requests" in out.getvalue()
    assert list(ConsultationRequest.objects.values_list("pk", flat=True)) == [keep.pk]
    entries = logged(ERASE_ACTION)
    assert entries.count() == 2
    for entry in entries:
        assert "ana@" not in (str(entry.data) + entry.label).lower()
    assert "ana@example" not in caplog.text.lower()
    with pytest.raises(CommandError, match="not an email address"):
        call_command("erase_consultations", "not-an-address")


def test_erasure_from_the_admin_by_a_coordinator(coordinator):
    user, client = coordinator
    make_request()
    form = client.get(ERASE_URL)
    assert form.status_code == 200
    # Confirming is required.
    assert client.post(ERASE_URL, {"email": "ana@example.com"}).status_code == 200
    assert ConsultationRequest.objects.count() == 1
    response = client.post(ERASE_URL, {"email": "ana@example.com", "confirm": "on"}, follow=True)
    assert "Erased 1 request from that address." in response.content.decode()
    assert not ConsultationRequest.objects.exists()
    assert logged(ERASE_ACTION).get().user == user
    # The list offers the way there.
    assert ERASE_URL in client.get(LIST_URL).content.decode()


# --- the site frame: contact details, links, privacy notice -------------------------------


def contact_settings():
    return ClinicContactSettings.for_site(Site.objects.get(is_default_site=True))


def test_the_footer_shows_no_contact_details_until_the_clinic_sets_them(client, seeded):
    footer = BeautifulSoup(client.get("/").content, "html.parser").select_one("footer.site-footer")
    assert footer.select_one(".site-footer__contact") is None
    assert footer.select_one("a[href^='tel:']") is None and footer.select_one("a[href^='mailto:']") is None
    links = {a.get_text(): a["href"] for a in footer.select("a")}
    assert links == {"Request a consultation": "/consultation/", "Privacy notice": "/privacy/"}


def test_contact_details_appear_in_every_footer_once_set_even_on_cached_pages(client, seeded):
    client.get("/")  # now in the page cache
    contact = contact_settings()
    contact.address = "Line one\nLine two"
    contact.phone = "+52 (664) 000-0000"
    contact.email = "hello@clinic.test"
    contact.opening_hours = "Monday to Friday: 9:00 to 17:00"
    contact.save()
    for path in ("/", "/guides/", "/guides/nk-cell-therapy/", "/consultation/", "/privacy/"):
        footer = BeautifulSoup(client.get(path).content, "html.parser").select_one("footer.site-footer")
        assert footer.select_one("a[href='tel:+526640000000']").get_text() == "+52 (664) 000-0000", path
        assert footer.select_one("a[href='mailto:hello@clinic.test']")
        assert "Line one" in footer.address.get_text() and "Line two" in footer.address.get_text()
        assert "Monday to Friday" in footer.get_text()


def test_the_header_offers_guides_and_a_consultation_and_one_search_form(client, guide):
    for path in ("/", "/guides/nk-cell-therapy/", "/consultation/", "/privacy/", "/search/?q=cell"):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        nav = {a.get_text(): a["href"] for a in soup.select(".site-header nav a")}
        # From a guide, the consultation link names the guide (and so chooses its treatment).
        query = f"?guide={guide.pk}" if path.startswith("/guides/nk") else ""
        assert nav == {"Guides": "/guides/", "Request a consultation": f"/consultation/{query}"}, path
        assert soup.select_one(".site-header__name")["href"] == "/"
        assert len(soup.select("form[role=search]")) == 1, path


def test_the_privacy_notice_is_seeded_plainly_and_editable(client, seeded):
    from consultations.models import PrivacyNoticePage

    soup = BeautifulSoup(client.get("/privacy/").content, "html.parser")
    headings = [h.get_text() for h in soup.select("main h2")]
    assert headings == [
        "What we collect",
        "Why",
        "Who can see them",
        "How long we keep them",
        "Asking for your details to be deleted",
        "What we count when you read a guide",
        "Who is responsible for your details",
    ]
    page = PrivacyNoticePage.objects.get(slug="privacy")
    page.body = "<h2>Aviso de privacidad</h2><p>Texto legal.</p><script>alert(1)</script>"
    page.save_revision().publish()
    html = client.get("/privacy/").content.decode()
    assert "Aviso de privacidad" in html and "<script>alert(1)" not in html


def test_a_staff_edit_of_the_privacy_notice_is_kept_when_seeding_again(seeded, django_user_model):
    from consultations.models import PrivacyNoticePage
    from pages.seeding import seed

    page = PrivacyNoticePage.objects.get(slug="privacy")
    page.body = "<p>The clinic's own legal text.</p>"
    page.save_revision(user=django_user_model.objects.create_user("legal", "l@clinic.test", "x")).publish()
    seed()
    assert PrivacyNoticePage.objects.get(slug="privacy").body == "<p>The clinic's own legal text.</p>"


def test_the_privacy_notice_names_who_is_responsible_from_the_settings_and_points_at_nothing_missing(client, seeded):
    soup = BeautifulSoup(client.get("/privacy/").content, "html.parser")
    text = normalise(soup.select_one("main").get_text(" "))
    # Nothing in the notice sends the patient to details the page does not have.
    assert "foot of this page" not in text
    assert "The clinic has not yet entered its legal name and address on this site." in text

    contact = ClinicContactSettings.objects.get(site=Site.objects.get(is_default_site=True))
    contact.legal_name = "Clínica Ejemplo, S.A. de C.V."
    contact.address = "Calle Uno 1\nCabo San Lucas, B.C.S."
    contact.email = "privacidad@clinic.example"
    contact.save()
    section = BeautifulSoup(client.get("/privacy/").content, "html.parser").select_one(
        "section[aria-labelledby=responsible]"
    )
    shown = {normalise(div.dt.get_text()): normalise(div.dd.get_text(" ")) for div in section.select("dl > div")}
    assert shown == {
        "Name": "Clínica Ejemplo, S.A. de C.V.",
        "Address": "Calle Uno 1 Cabo San Lucas, B.C.S.",
        "Email": "privacidad@clinic.example",
    }
    body = normalise(soup.select_one("main").get_text(" "))
    assert re.search(r"How to reach the clinic is under .Who is responsible for your details. below\.", body)


def test_the_deployment_check_refuses_a_site_whose_privacy_notice_names_no_one(seeded):
    from django.core.checks import run_checks

    def privacy_errors():
        found = run_checks(include_deployment_checks=True, databases=["default"])
        return [error for error in found if error.id == "consultations.E001"]

    errors = privacy_errors()
    assert len(errors) == 2
    assert "has no clinic's legal name" in errors[0].msg and "has no address" in errors[1].msg
    assert "Settings → Clinic contact and consultation settings" in errors[0].hint
    # Not run when the check is not given the database (CI's `make deploy-check` of settings alone).
    assert not [e for e in run_checks(include_deployment_checks=True) if e.id.startswith("consultations.")]

    contact = ClinicContactSettings.objects.get(site=Site.objects.get(is_default_site=True))
    contact.legal_name = "Clínica Ejemplo, S.A. de C.V."
    contact.address = "Calle Uno 1, Cabo San Lucas"
    contact.save()
    assert privacy_errors() == []


# --- the dashboard ---------------------------------------------------------------------------


def dashboard_panel(client):
    page = BeautifulSoup(client.get("/admin/").content, "html.parser")
    return page, page.select_one("#consultation-requests-section") or page.select_one("#consultation-requests")


def test_a_coordinators_dashboard_counts_the_new_requests_and_links_to_them(coordinator):
    for _ in range(3):
        make_request()
    make_request(status=ConsultationRequest.Status.CONTACTED)
    _, client = coordinator
    _, panel = dashboard_panel(client)
    new = panel.select_one(".consultation-requests-new a")
    assert " ".join(new.get_text().split()) == "3 new requests"
    listing = client.get(new["href"])
    assert listing.status_code == 200
    assert len(BeautifulSoup(listing.content, "html.parser").select("tbody tr")) == 3
    assert panel.find("a", string="See all consultation requests")["href"] == LIST_URL


def test_nobody_is_told_of_requests_until_the_address_is_set_and_the_dashboard_says_so(coordinator, staff_client):
    _, client = coordinator
    _, panel = dashboard_panel(client)
    warning = " ".join(panel.get_text().split())
    assert "Nobody is emailed when a patient sends a request" in warning
    # Coordinators cannot change the settings, so they are told who can rather than given a refused link.
    assert "Ask a site administrator" in warning and not panel.select("a[href*='/admin/settings/']")
    _, admin_panel = dashboard_panel(staff_client)
    link = admin_panel.find("a", string=lambda text: text and text.startswith("Set it under Settings"))
    settings_page = staff_client.get(link["href"], follow=True)
    assert settings_page.status_code == 200 and 'name="coordinator_email"' in settings_page.content.decode()

    settings = contact_settings()
    settings.coordinator_email = "coordinators@clinic.test"
    settings.save()
    for someone in (client, staff_client):
        _, panel = dashboard_panel(someone)
        assert "Nobody is emailed" not in panel.get_text()


@pytest.mark.parametrize("group", ["Editors", "Medical reviewers", "Moderators"])
def test_staff_who_neither_see_requests_nor_set_the_address_get_no_requests_panel(make_staff, seeded, group):
    _, client = make_staff(group)
    page, panel = dashboard_panel(client)
    assert panel is None and page.select_one("form[role='search']") is not None


def test_a_coordinators_dashboard_offers_no_page_search_they_are_refused(coordinator):
    _, client = coordinator
    page, _ = dashboard_panel(client)
    assert page.select_one("form[role='search']") is None
    assert "Search all pages" not in page.get_text()


# --- what coordinators work with -------------------------------------------------------------


def test_a_request_offers_click_to_email_and_click_to_call_and_names_the_guide_it_came_from(coordinator, guide):
    _, client = coordinator
    consultation = make_request(sent_from=guide)
    page = BeautifulSoup(client.get(edit_url(consultation)).content, "html.parser")
    assert page.select_one(f"a[href='mailto:{PATIENT['email']}']").get_text(strip=True) == PATIENT["email"]
    assert page.select_one("a[href='tel:+526640000000']").get_text(strip=True) == PATIENT["phone"]
    assert guide.title in " ".join(page.get_text().split())
    response = client.get(LIST_URL, {"export": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["Sent from the guide"] == guide.title


def test_requests_are_filtered_by_the_day_received_in_the_clinics_calendar_and_by_treatment(coordinator):
    _, client = coordinator
    clinic = timezone.get_default_timezone()
    # 23:30 on 4 December at the clinic is 5 December in UTC.
    make_request(full_name="Late Evening", received_at=datetime.datetime(2026, 12, 4, 23, 30, tzinfo=clinic))
    make_request(full_name="Next Morning", received_at=datetime.datetime(2026, 12, 5, 9, 0, tzinfo=clinic))
    make_request(
        full_name="Unsure Patient", treatment="Not sure", received_at=datetime.datetime(2026, 12, 5, 10, tzinfo=clinic)
    )

    def names(**filters):
        rows = " ".join(
            row.get_text()
            for row in BeautifulSoup(client.get(LIST_URL, filters).content, "html.parser").select("tbody tr")
        )
        return {name for name in ("Late Evening", "Next Morning", "Unsure Patient") if name in rows}

    assert names(received_at_from="2026-12-04", received_at_to="2026-12-04") == {"Late Evening"}
    assert names(received_at_from="2026-12-05", received_at_to="2026-12-05") == {"Next Morning", "Unsure Patient"}
    assert names(treatment="Not sure") == {"Unsure Patient"}
    assert names() == {"Late Evening", "Next Morning", "Unsure Patient"}
    choices = BeautifulSoup(client.get(LIST_URL).content, "html.parser").select("select[name=treatment] option")
    assert [option.get_text(strip=True) for option in choices][1:] == ["NK cell therapy", "Not sure"]
