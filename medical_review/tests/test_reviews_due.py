"""What is due: the dashboard panel, the report with its exports, and `review_status`."""

import csv
import datetime
import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from pages.models import GuidePage, Person
from tests.support import FIXTURES, TEST_FIXTURES, normalise

TODAY = timezone.localdate()


@pytest.fixture
def guides(db):
    """Three guides: one overdue, one due in 10 days, one reviewed today."""
    from pages.seeding import seed

    seed(guide_paths=[FIXTURES / "guides" / "nk-cell-therapy.yaml", TEST_FIXTURES / "guides" / "second-guide.yaml"])
    overdue = GuidePage.objects.get(slug="nk-cell-therapy")
    soon = GuidePage.objects.get(slug="second-test-guide")
    overdue.last_reviewed = datetime.date(2020, 1, 15)
    overdue.save_revision().publish()
    soon.review_interval_months = 1
    soon.last_reviewed = TODAY - datetime.timedelta(days=25)
    soon.save_revision().publish()
    return GuidePage.objects.get(pk=overdue.pk), GuidePage.objects.get(pk=soon.pk)


@pytest.fixture
def moderator_client(make_staff, guides):
    return make_staff("Moderators")[1]


def test_dashboard_panel_lists_overdue_and_due_soon_soonest_first(moderator_client, guides):
    overdue, soon = guides
    soup = BeautifulSoup(moderator_client.get("/admin/").content, "html.parser")
    panel = soup.select_one("#guide-reviews-due-section")
    assert panel is not None
    links = [(normalise(a.get_text()), a["href"]) for a in panel.select("td.title a")]
    assert links == [
        (overdue.title, f"/admin/pages/{overdue.id}/edit/"),
        (soon.title, f"/admin/pages/{soon.id}/edit/"),
    ]
    assert "15 January 2021" in panel.get_text()


def test_dashboard_panel_marks_overdue_guides_out(moderator_client, guides):
    soup = BeautifulSoup(moderator_client.get("/admin/").content, "html.parser")
    rows = soup.select("#guide-reviews-due-section tbody tr")
    overdue_tag = rows[0].select_one(".guide-review-overdue")
    assert overdue_tag is not None and normalise(overdue_tag.get_text()) == "Overdue"
    assert rows[1].select_one(".guide-review-overdue") is None


def test_a_guide_never_published_is_not_called_up_to_date(moderator_client, guides):
    """A draft with a review date is not 'Up to date': patients cannot see it at all."""
    from pages.seeding import seed

    seed(guide_paths=[TEST_FIXTURES / "guides" / "second-guide.yaml"])
    draft = GuidePage.objects.get(slug="second-test-guide")
    draft.last_reviewed = TODAY
    draft.save_revision().publish()
    draft.unpublish()
    soup = BeautifulSoup(moderator_client.get("/admin/reports/medical-review/").content, "html.parser")
    headings = [normalise(th.get_text()) for th in soup.select("table thead th")]
    assert headings[-1] == "Published"
    rows = {
        normalise(tr.td.get_text(" ")): [normalise(td.get_text(" ")) for td in tr.select("td")]
        for tr in soup.select("table tbody tr")
    }
    assert rows[draft.title][-2:] == ["Not published", "No"]
    assert rows[guides[0].title][-2:] == ["Overdue", "Yes"]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("review_status", stdout=out)
    (line,) = [line for line in out.getvalue().splitlines() if line.startswith(draft.title)]
    assert line.endswith("Not published") and "Up to date" not in line


def test_report_lists_every_guide_and_filters_by_status(moderator_client, guides):
    overdue, soon = guides
    soup = BeautifulSoup(moderator_client.get("/admin/reports/medical-review/").content, "html.parser")
    rows = [[normalise(td.get_text(" ")) for td in tr.select("td")] for tr in soup.select("table tbody tr")]
    assert len(rows) == GuidePage.objects.count()
    assert rows[0][:6] == [
        overdue.title,
        "English",
        "15 January 2020",
        "15 January 2021",
        "Dr. Félix Porras, MD",
        "Overdue",
    ]
    filtered = BeautifulSoup(
        moderator_client.get("/admin/reports/medical-review/?status=due-soon").content, "html.parser"
    )
    titles = [normalise(td.get_text(" ")) for td in filtered.select("table tbody tr td:first-child")]
    assert titles == [soon.title]


def test_report_exports_csv_and_xlsx(moderator_client, guides):
    overdue, _ = guides
    response = moderator_client.get("/admin/reports/medical-review/?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Guide",
        "Language",
        "Last reviewed",
        "Next review due",
        "Medical reviewer",
        "Status",
        "Published",
    ]
    assert rows[1][:6] == [overdue.title, "English", "2020-01-15", "2021-01-15", "Dr. Félix Porras, MD", "Overdue"]
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="medical-review-dates-{timezone.localdate().isoformat()}.csv"'
    )
    response = moderator_client.get("/admin/reports/medical-review/?export=xlsx")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="medical-review-dates-{timezone.localdate().isoformat()}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(2, 1).value == overdue.title
    next_due = sheet.cell(2, 4).value
    assert getattr(next_due, "date", lambda: next_due)() == datetime.date(2021, 1, 15)


def test_editors_without_page_rights_do_not_get_the_report(make_staff, guides, client, django_user_model):
    user = django_user_model.objects.create_user("nobody", "n@example.com", "a-long-password")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/admin/reports/medical-review/")
    assert response.status_code in (302, 403)
    assert "Medical review dates" not in client.get("/admin/").content.decode()


def test_review_status_exits_1_when_overdue_and_emails_the_reviewer(make_staff, guides):
    overdue, _ = guides
    make_staff(
        "Medical reviewers", "porras", person=Person.objects.get(name="Dr. Félix Porras"), email="fp@clinic.test"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("review_status", "--notify", stdout=out, stderr=err)
    assert error.value.returncode == 1
    assert "guides are overdue for medical review" in str(error.value)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == [
        "Guide",
        "Language",
        "Last",
        "reviewed",
        "Next",
        "review",
        "due",
        "Medical",
        "reviewer",
        "Status",
    ]
    assert lines[1].startswith(overdue.title) and lines[1].endswith("Overdue")
    assert lines[1].split()[len(overdue.title.split())] == "English"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fp@clinic.test"]
    assert message.subject == f"Medical review overdue: {overdue.title} (English)"
    assert f"The guide “{overdue.title}”, in English, was last reviewed on 15 January 2020" in message.body
    assert f"/admin/pages/{overdue.id}/edit/" in message.body
    assert "choose “Mark as reviewed” in the admin" in message.body


def test_the_reminder_for_a_guide_in_the_workflow_does_not_ask_for_mark_as_reviewed(make_staff, guides):
    overdue, _ = guides
    make_staff(
        "Medical reviewers", "porras", person=Person.objects.get(name="Dr. Félix Porras"), email="fp@clinic.test"
    )
    overdue.get_workflow().start(overdue, make_staff("Editors")[0])
    with pytest.raises(CommandError):
        call_command("review_status", "--notify", stdout=io.StringIO(), stderr=io.StringIO())
    (message,) = [m for m in mail.outbox if m.subject.startswith("Medical review overdue")]
    assert "Mark as reviewed" not in message.body
    assert "This guide is in the Medical review workflow. Approve it there" in message.body


def test_the_reminder_says_plainly_when_no_mail_server_is_configured(make_staff, guides, settings):
    settings.EMAIL_BACKEND = "lmi_site.mail.UnconfiguredEmailBackend"
    make_staff(
        "Medical reviewers", "porras", person=Person.objects.get(name="Dr. Félix Porras"), email="fp@clinic.test"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("review_status", "--notify", stdout=out, stderr=err)
    assert "no mail server is configured (EMAIL_HOST)" in err.getvalue()
    assert "Emailed" not in out.getvalue()


def test_review_status_without_notify_sends_nothing(guides):
    with pytest.raises(CommandError) as error:
        call_command("review_status", stdout=io.StringIO())
    assert error.value.returncode == 1
    assert mail.outbox == []


def test_review_status_exits_0_when_nothing_is_overdue(seeded):
    guide = GuidePage.objects.get()
    guide.last_reviewed = datetime.date(2024, 2, 29)
    guide.review_interval_months = 60
    guide.save_revision().publish()
    out = io.StringIO()
    call_command("review_status", stdout=out)  # raises on a non-zero exit
    assert "No guide is overdue for medical review (1 guides)." in out.getvalue()
    assert "29 February 2024" in out.getvalue() and "28 February 2029" in out.getvalue()


def test_an_overdue_reviewer_without_an_account_is_reported_not_emailed(guides):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("review_status", "--notify", stdout=io.StringIO(), stderr=err)
    assert "has no linked account with an email address" in err.getvalue()
    assert mail.outbox == []


# --- "Send review reminders" in the admin, not only from cron -----------------------------------

REMINDERS = "/admin/reports/medical-review/reminders/"


def page_text(response):
    return normalise(BeautifulSoup(response.content, "html.parser").get_text(" "))


def test_a_moderator_sends_review_reminders_from_the_report(moderator_client, make_staff, guides):
    overdue, _ = guides
    make_staff(
        "Medical reviewers", "porras", person=Person.objects.get(name="Dr. Félix Porras"), email="fp@clinic.test"
    )
    report = moderator_client.get("/admin/reports/medical-review/").content.decode()
    assert REMINDERS in report and "Send review reminders" in report
    # First what will happen: who is emailed about which guide, and nothing sent yet.
    confirm = BeautifulSoup(moderator_client.get(REMINDERS).content, "html.parser")
    rows = [normalise(row.get_text(" ")) for row in confirm.select("tbody tr")]
    assert rows == [f"{overdue.title} 15 January 2021 Dr. Félix Porras, MD (fp@clinic.test)"]
    assert mail.outbox == []

    done = moderator_client.post(REMINDERS, follow=True)
    assert done.redirect_chain[-1][0] == "/admin/reports/medical-review/"
    assert f'Emailed Dr. Félix Porras, MD about "{overdue.title}".' in page_text(done)
    assert [message.to for message in mail.outbox] == [["fp@clinic.test"]]
    assert mail.outbox[0].subject == f"Medical review overdue: {overdue.title} (English)"


def test_a_reminder_that_cannot_be_sent_says_why_in_the_admin(moderator_client, guides):
    overdue, _ = guides  # its reviewer has no account
    done = moderator_client.post(REMINDERS, follow=True)
    assert f'Not emailed: "{overdue.title}": Dr. Félix Porras, MD has no linked account' in page_text(done)
    assert mail.outbox == []


def test_only_those_who_publish_send_reminders(make_staff, guides):
    for group in ("Editors", "Medical reviewers"):
        client = make_staff(group)[1]
        assert client.post(REMINDERS).status_code == 302  # Wagtail's refusal: back to the dashboard
        assert REMINDERS not in client.get("/admin/reports/medical-review/").content.decode()
    assert mail.outbox == []
