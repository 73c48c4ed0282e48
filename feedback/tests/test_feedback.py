"""Patients' feedback: "Was this guide helpful?" on a cached page, kept without a trace of who sent it."""

import csv
import datetime
import io
import time

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.test import Client
from django.utils import timezone

from feedback.forms import sign_guide
from feedback.models import GuideFeedback
from feedback.views import SENDS_PER_HOUR
from pages.models import GuidePage, Person
from tests.support import GUIDE_URL, normalise

SENT_URL = GUIDE_URL + "feedback-sent/"


def form_data(guide, **changes):
    data = {"guide": sign_guide(guide), "helpful": "yes", "comment": "", "website": ""}
    data.update(changes)
    return data


def send(client, guide, **changes):
    return client.post("/feedback/", form_data(guide, **changes), REMOTE_ADDR=changes.pop("address", "203.0.113.5"))


def page_text(response):
    return normalise(BeautifulSoup(response.content, "html.parser").get_text(" "))


def test_every_guide_ends_with_the_question_and_no_per_visitor_token(client, guide):
    response = client.get(GUIDE_URL)
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one("section#feedback form")
    assert form["method"] == "post" and form["action"] == "/feedback/"
    assert normalise(form.select_one("legend").get_text()) == "Was this guide helpful?"
    assert [radio["value"] for radio in form.select("input[name=helpful]")] == ["yes", "no"]
    assert form.select_one("label[for=feedback-comment]").get_text() == "What could be better? (optional)"
    assert "do not include your name, contact details or anything about your health" in normalise(form.get_text(" "))
    assert form.select_one("textarea")["maxlength"] == "500"
    assert soup.select_one("[name=csrfmiddlewaretoken]") is None
    assert signing.Signer(salt="feedback.guide").unsign(form.select_one("[name=guide]")["value"]) == str(guide.pk)
    # Right after the guide's own content (the article), which it is about but not part of.
    assert soup.select_one("article.guide").find_next_sibling()["id"] == "feedback"


def test_the_guide_with_its_form_is_one_cached_copy_for_everyone(client, guide):
    first = client.get(GUIDE_URL, REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT="Phone")
    second = Client().get(GUIDE_URL, REMOTE_ADDR="198.51.100.2", HTTP_USER_AGENT="Desktop")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first.content == second.content
    assert not first.cookies and not second.cookies
    # Sending feedback changes nothing on the cached guide.
    send(Client(), guide, comment="More pictures")
    third = Client().get(GUIDE_URL)
    assert third["X-Page-Cache"] == "hit" and third.content == first.content


def test_a_patient_sends_feedback_and_lands_on_the_thank_you_without_a_trace_of_them(client, guide):
    response = client.post(
        "/feedback/",
        form_data(guide, helpful="no", comment="  Say more about side effects.\r\nAnd costs.  "),
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Secret Browser 1.0",
        HTTP_COOKIE="tracking=abc",
    )
    assert response.status_code == 303
    assert response["Location"] == SENT_URL + "#feedback"
    assert not response.cookies
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    stored = GuideFeedback.objects.get()
    assert (stored.guide_id, stored.helpful, stored.comment) == (
        guide.pk,
        False,
        "Say more about side effects.\nAnd costs.",
    )
    # Nothing about the sender exists to be stored.
    assert {field.name for field in GuideFeedback._meta.get_fields()} == {
        "id",
        "guide",
        "helpful",
        "comment",
        "received_at",
    }
    values = " ".join(str(value) for value in GuideFeedback.objects.values().get().values())
    assert "203.0.113.9" not in values and "Secret Browser" not in values and "abc" not in values


def test_the_thank_you_takes_the_form_place_and_reloading_sends_nothing(client, guide):
    send(client, guide)
    for expected_cache in ("miss", "hit"):
        response = Client().get(SENT_URL)
        assert response.status_code == 200 and response["X-Page-Cache"] == expected_cache
        soup = BeautifulSoup(response.content, "html.parser")
        thanks = soup.select_one("section#feedback")
        assert normalise(thanks.select_one("[role=status] h2").get_text()) == "Thank you for your feedback"
        assert thanks.select_one("form") is None
        # Still the whole guide, with its canonical address the guide's own.
        assert soup.select_one("h1").get_text() == guide.title
        assert soup.select_one("link[rel=canonical]")["href"] == "http://testserver" + GUIDE_URL
        assert not response.cookies
    assert GuideFeedback.objects.count() == 1
    # The guide's own address still asks the question.
    assert BeautifulSoup(Client().get(GUIDE_URL).content, "html.parser").select_one("#feedback form") is not None


def test_no_answer_chosen_is_named_and_what_was_typed_is_kept(client, guide):
    response = send(client, guide, helpful="", comment="Typed <b>this</b>")
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".error-summary[role=alert]")
    assert "Choose Yes or No to say whether this guide was helpful" in normalise(summary.get_text(" "))
    assert summary.select_one("a")["href"] == "#feedback-helpful-yes"
    assert soup.select_one("textarea").get_text() == "Typed <b>this</b>"
    assert soup.title.get_text().startswith("Error:")
    assert GuideFeedback.objects.count() == 0
    assert send(client, guide, helpful="maybe").status_code == 400


def test_a_comment_over_the_limit_is_refused_with_its_length(client, guide):
    response = send(client, guide, comment="x" * 501)
    assert response.status_code == 400
    assert "must be 500 characters or fewer (you wrote 501)" in page_text(response)
    assert GuideFeedback.objects.count() == 0
    assert send(client, guide, comment="x" * 500).status_code == 303


@pytest.mark.parametrize(
    "signed", ["", "42", "not-signed", signing.Signer(salt="something-else").sign("1"), signing.dumps(1, salt="x")]
)
def test_a_guide_id_this_site_did_not_sign_is_refused(client, guide, signed):
    response = client.post("/feedback/", {"guide": signed, "helpful": "yes"})
    assert response.status_code == 400
    assert "This feedback form is out of date" in page_text(response)
    assert GuideFeedback.objects.count() == 0


def test_every_drawing_of_a_guide_carries_the_same_signed_id(client, guide):
    """So copies rendered at different times (page cache, Varnish) are the same bytes."""
    first = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser").select_one("[name=guide]")["value"]
    guide.save_revision().publish()  # a new drawing, a second or more later
    time.sleep(1.1)
    second = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser").select_one("[name=guide]")["value"]
    assert first == second


def test_feedback_about_a_guide_patients_cannot_see_is_refused(client, guide):
    data = form_data(guide)
    guide.unpublish()
    assert client.post("/feedback/", data).status_code == 400
    assert GuideFeedback.objects.count() == 0


def test_a_robot_that_fills_the_honeypot_is_thanked_but_nothing_is_kept(client, guide):
    response = send(client, guide, website="http://spam.example")
    assert response.status_code == 303 and response["Location"] == SENT_URL + "#feedback"
    assert GuideFeedback.objects.count() == 0


def test_each_address_may_send_only_a_few_an_hour(client, guide):
    for _ in range(SENDS_PER_HOUR):
        assert send(client, guide, address="203.0.113.7").status_code == 303
    refused = send(client, guide, address="203.0.113.7")
    assert refused.status_code == 429
    assert "You have sent a lot of feedback in the last hour" in page_text(refused)
    assert send(client, guide, address="203.0.113.8").status_code == 303
    assert GuideFeedback.objects.count() == SENDS_PER_HOUR + 1


def test_an_oversized_request_is_refused_before_it_is_read(client, guide):
    response = client.post("/feedback/", form_data(guide, comment="x" * 9000))
    assert response.status_code == 413
    assert "too long to send" in page_text(response)
    assert GuideFeedback.objects.count() == 0


def test_only_a_post_sends(client, guide):
    assert client.get("/feedback/").status_code == 405


# --- what staff see ---------------------------------------------------------------------------


def answer(guide, helpful, comment="", when=None):
    return GuideFeedback.objects.create(
        guide=guide, helpful=helpful, comment=comment, received_at=when or timezone.now()
    )


def test_the_report_counts_by_month_and_shows_comments_escaped(staff_client, guide):
    october = datetime.datetime(2026, 10, 5, 12, tzinfo=datetime.UTC)
    november = datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)
    answer(guide, True, when=october)
    answer(guide, False, "<script>alert(1)</script>", when=october)
    answer(guide, True, when=october)
    answer(guide, True, "Clear, thank you", when=november)

    response = staff_client.get("/admin/reports/patient-feedback/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = [
        [normalise(cell.get_text()) for cell in row.select("td")] for row in soup.select("#feedback-by-month tbody tr")
    ]
    assert rows == [
        [guide.title, "November 2026", "1", "0", "100%"],
        [guide.title, "October 2026", "2", "1", "67%"],
    ]
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    comments = [normalise(cell.get_text()) for cell in soup.select(".feedback-comments td.feedback-comment")]
    assert comments == ["Clear, thank you", "<script>alert(1)</script>"]


def test_the_csv_has_every_answer_and_no_formulas(staff_client, guide):
    answer(
        guide, False, '=HYPERLINK("http://evil.example")', when=datetime.datetime(2026, 9, 1, 8, tzinfo=datetime.UTC)
    )
    answer(guide, True, when=datetime.datetime(2026, 9, 2, 9, tzinfo=datetime.UTC))
    response = staff_client.get("/admin/reports/patient-feedback/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"patient-feedback-{timezone.localdate().isoformat()}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        # The clinic's time (UTC-7 all year), named in the heading.
        ["Guide", "Received (America/Mazatlan)", "Helpful", "What could be better"],
        [guide.title, "2026-09-01 01:00", "No", '\'=HYPERLINK("http://evil.example")'],
        [guide.title, "2026-09-02 02:00", "Yes", ""],
    ]


@pytest.mark.parametrize("group", ["Editors", "Medical reviewers", "Moderators"])
def test_every_staff_role_sees_the_feedback_report(make_staff, guide, group):
    answer(guide, True, "Seen by staff")
    _, client = make_staff(group)
    response = client.get("/admin/reports/patient-feedback/")
    assert response.status_code == 200 and "Seen by staff" in response.content.decode()
    assert client.get("/admin/reports/patient-feedback/export.csv").status_code == 200
    assert b"/admin/reports/patient-feedback/" in client.get("/admin/").content  # in the sidebar's menu


def test_admin_users_without_the_permission_and_the_public_do_not(client, guide):
    answer(guide, True, "Private words")
    user = get_user_model().objects.create_user("other", "o@example.com", "a-long-password")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    staff = Client()
    staff.force_login(user)
    assert staff.get("/admin/reports/patient-feedback/").status_code in (302, 403)
    assert staff.get("/admin/reports/patient-feedback/export.csv").status_code in (302, 403)
    assert b"patient-feedback" not in staff.get("/admin/").content
    response = client.get("/admin/reports/patient-feedback/export.csv")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_reviewer_sees_feedback_since_the_last_review(make_staff, guide):
    person = Person.objects.get(name="Dr. Félix Porras")
    _, client = make_staff("Medical reviewers", "porras", person=person)
    before = datetime.datetime.combine(guide.last_reviewed, datetime.time(8), tzinfo=datetime.UTC) - datetime.timedelta(
        days=1
    )
    answer(guide, False, "Before the review", when=before)
    answer(guide, True, "After the review: clear")
    answer(guide, False, "After the review: too long")
    response = client.get(f"/admin/guides/{guide.id}/mark-reviewed/")
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.select_one(".feedback-since-review")
    text = normalise(section.get_text(" "))
    assert (
        'Since 26 August 2025, 2 answers to "Was this guide helpful?": 1 yes and 1 no (50% found it helpful).' in text
    )
    assert "After the review: clear" in text and "Before the review" not in text

    # After stamping, the count starts again from the stamp.
    client.post(f"/admin/guides/{guide.id}/mark-reviewed/", {"note": ""})
    section = BeautifulSoup(client.get(f"/admin/guides/{guide.id}/mark-reviewed/").content, "html.parser")
    assert "No patient feedback since" in normalise(section.select_one(".feedback-since-review").get_text(" "))
    assert GuidePage.objects.get().last_reviewed == timezone.localdate()
