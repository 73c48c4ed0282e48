"""The clinic's clock (Los Cabos, America/Mazatlan): "today", times entered, listed, emailed and exported.

03:30 UTC on 6 December is 20:30 on 5 December at the clinic: every check below would read the
6th, or 03:30, on a site that ran on UTC.
"""

import csv
import datetime
import io
import uuid

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.signals import request_finished
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Site
from wagtail.users.models import UserProfile

from consultations.models import ClinicContactSettings, ConsultationRequest
from consultations.notifications import tell_coordinators
from consultations.roles import COORDINATORS

LIST_URL = "/admin/snippets/consultations/consultationrequest/"
EVENING_AT_THE_CLINIC = datetime.datetime(2026, 12, 6, 3, 30, 15, 123456, tzinfo=datetime.UTC)


def a_request(**changes):
    return ConsultationRequest.objects.create(
        submission_token=uuid.uuid4(),
        consented_at=EVENING_AT_THE_CLINIC,
        received_at=EVENING_AT_THE_CLINIC,
        full_name="Ana López",
        email="ana@example.com",
        country="Mexico",
        treatment="NK cell therapy",
        **changes,
    )


def test_the_sites_clock_is_the_clinics_so_today_is_the_clinics_date():
    assert timezone.get_default_timezone_name() == "America/Mazatlan"
    assert timezone.localdate(EVENING_AT_THE_CLINIC) == datetime.date(2026, 12, 5)


def test_the_request_list_and_its_export_are_in_the_clinics_time_to_the_minute(make_staff, seeded):
    a_request()
    _, client = make_staff(COORDINATORS)
    listing = BeautifulSoup(client.get(LIST_URL).content, "html.parser")
    headings = [" ".join(th.get_text().split()) for th in listing.select("thead th")]
    assert "Received (America/Mazatlan)" in headings
    row = " ".join(listing.select_one("tbody tr").get_text().split())
    assert "5 Dec 2026, 8:30 p.m." in row, row

    response = client.get(LIST_URL, {"export": "csv"})
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="consultation-requests-{today}.csv"'
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["Received (America/Mazatlan)"] == "2026-12-05 20:30"


def test_a_coordinator_who_chose_another_time_zone_sees_and_exports_in_theirs(make_staff, seeded):
    a_request()
    user, client = make_staff(COORDINATORS)
    UserProfile.get_for_user(user)
    UserProfile.objects.filter(user=user).update(current_time_zone="Europe/Madrid")
    response = client.get(LIST_URL, {"export": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["Received (Europe/Madrid)"] == "2026-12-06 04:30"


def test_the_coordinators_email_gives_the_clinics_time_and_names_the_zone(seeded, settings):
    contact = ClinicContactSettings.for_site(Site.objects.get())
    contact.coordinator_email = "coordinators@clinic.test"
    contact.save()
    request = RequestFactory().get("/consultation/", HTTP_HOST="localhost")
    tell_coordinators(request, a_request())
    # The email goes once the patient has had their answer (consultations/notifications.py).
    assert mail.outbox == []
    request_finished.send(sender=None)
    (message,) = mail.outbox
    assert "arrived at 20:30 on 05 December 2026 (America/Mazatlan)" in message.body
    assert "UTC" not in message.body and "Ana" not in message.body


@pytest.mark.parametrize("zone", [None, "Europe/Madrid"])
def test_go_live_at_and_expiry_say_which_time_zone_they_are_in(make_staff, guide, zone):
    user, client = make_staff("Moderators")
    if zone:
        UserProfile.get_for_user(user)
        UserProfile.objects.filter(user=user).update(current_time_zone=zone)
    editor = BeautifulSoup(client.get(f"/admin/pages/{guide.pk}/edit/").content, "html.parser")
    expected = f"In {zone or 'America/Mazatlan'}, your time zone"
    for field in ("go_live_at", "expire_at"):
        help_text = editor.find(id=f"panel-child-settings-child-publishing-child-{field}-helptext")
        # (Inside the dialog's <template>, where BeautifulSoup gives no text: read the markup.)
        assert f">{expected} (the clinic" in help_text.decode(), help_text
