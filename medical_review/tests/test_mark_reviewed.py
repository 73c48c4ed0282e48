"""'Mark as reviewed': stamp the live guide, publish it normally, never someone else's draft."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.signals import page_published

from medical_review.review import REVIEW_LOG_ACTION
from pages.models import GuidePage, Person
from tests.support import GUIDE_URL, normalise

TODAY = timezone.localdate


@pytest.fixture
def reviewer(make_staff, guide):
    person = Person.objects.get(name="Dr. Félix Porras")
    return make_staff("Medical reviewers", "porras", person=person)


@pytest.fixture
def second_reviewer(make_staff):
    person = Person.objects.create(name="Dr. Ana Ruiz", credentials="MD", role="Physician", short_bio="Reviews.")
    person.save_revision()
    return make_staff("Medical reviewers", "ruiz", person=person)


def mark_url(guide):
    return f"/admin/guides/{guide.id}/mark-reviewed/"


def credits_text(client):
    soup = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser")
    return normalise(soup.select_one(".guide-credits").get_text(" "))


def test_the_action_is_in_the_edit_view_and_asks_for_confirmation(reviewer, guide):
    _, client = reviewer
    edit = BeautifulSoup(client.get(f"/admin/pages/{guide.id}/edit/").content, "html.parser")
    link = edit.find("a", href=mark_url(guide))
    assert link is not None and normalise(link.get_text()) == "Mark as reviewed"
    response = client.get(mark_url(guide))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("textarea[name=note]") is not None
    assert "It was last reviewed on 26 August 2025." in normalise(page.get_text(" "))
    # Showing the confirmation changes nothing.
    assert GuidePage.objects.get().last_reviewed == datetime.date(2025, 8, 26)


def test_mark_as_reviewed_stamps_publishes_and_logs(reviewer, second_reviewer, guide, client):
    user, staff = second_reviewer
    before_revisions = guide.revisions.count()
    published = []

    def on_published(sender, instance, revision, **kwargs):
        published.append(revision.id)

    page_published.connect(on_published)
    try:
        response = staff.post(mark_url(guide), {"note": "Checked against the 2025 dosing literature."})
    finally:
        page_published.disconnect(on_published)
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{guide.id}/edit/"

    guide = GuidePage.objects.get()
    assert guide.last_reviewed == TODAY()
    assert guide.reviewed_by.name == "Dr. Ana Ruiz"
    assert guide.revisions.count() == before_revisions + 1
    assert guide.live_revision == guide.latest_revision and not guide.has_unpublished_changes
    assert guide.live_revision.user == user
    assert published == [guide.live_revision_id]  # Wagtail's normal publish signal fired
    # No other change: the published content is the previous live content plus the stamp.
    assert guide.title == "A Patient's Guide to NK Cell Therapy" and guide.author.name == "Dr. Kirk Sanford"

    entry = PageLogEntry.objects.get(page=guide, action=REVIEW_LOG_ACTION)
    assert entry.user == user and entry.revision_id == guide.live_revision_id
    assert entry.data["note"] == "Checked against the 2025 dosing literature."
    history = normalise(BeautifulSoup(staff.get(f"/admin/pages/{guide.id}/history/").content, "html.parser").text)
    today = f"{TODAY().day} {TODAY():%B %Y}"
    assert f"Marked as medically reviewed by Dr. Ana Ruiz, MD on {today}." in history
    assert "Checked against the 2025 dosing literature." in history

    text = credits_text(client)
    assert f"Last reviewed: {today}" in text
    assert "Medically reviewed by: Dr. Ana Ruiz, MD — Physician." in text


def test_someone_elses_draft_is_not_published_and_stays_the_latest_draft(reviewer, guide, client):
    editor = get_user_model().objects.create_user("editor-x", "x@example.com", "a-long-password", first_name="Eve")
    draft = guide.get_latest_revision_as_object()
    draft.title = "An unreviewed draft title"
    draft.save_revision(user=editor)
    _, staff = reviewer

    warning = normalise(BeautifulSoup(staff.get(mark_url(guide)).content, "html.parser").get_text(" "))
    assert "This guide has unpublished changes by Eve. They will not be published" in warning

    response = staff.post(mark_url(guide), {"note": ""}, follow=True)
    assert "The unpublished changes by Eve were not published; they are still a draft." in response.content.decode()

    guide = GuidePage.objects.get()
    assert guide.title == "A Patient's Guide to NK Cell Therapy"  # live: the old title, newly stamped
    assert guide.last_reviewed == TODAY()
    assert guide.has_unpublished_changes
    latest = guide.latest_revision
    assert latest.user == editor and latest.id != guide.live_revision_id
    kept = latest.as_object()
    assert kept.title == "An unreviewed draft title"
    assert kept.last_reviewed == TODAY()  # publishing the draft later keeps the new stamp
    assert "An unreviewed draft title" not in client.get(GUIDE_URL).content.decode()
    assert PageLogEntry.objects.get(action=REVIEW_LOG_ACTION).data["draft_kept_by"] == "Eve"


def test_a_reviewer_without_a_person_record_is_told_why(make_staff, guide):
    _, client = make_staff("Medical reviewers", "unlinked")
    response = client.post(mark_url(guide), {"note": ""})
    assert response.status_code == 409
    assert "Your account is not linked to a person in People" in response.content.decode()
    assert GuidePage.objects.get().last_reviewed == datetime.date(2025, 8, 26)


def test_a_guide_in_the_workflow_is_stamped_by_approving_it_instead(reviewer, make_staff, guide):
    editor, _ = make_staff("Editors")
    guide.get_workflow().start(guide, editor)
    _, client = reviewer
    response = client.post(mark_url(guide), {"note": ""})
    assert response.status_code == 409
    assert "This guide is in the Medical review workflow" in response.content.decode()
    assert GuidePage.objects.get().live_revision.as_object().last_reviewed == datetime.date(2025, 8, 26)
    # The editor does not offer what would be refused.
    edit = client.get(f"/admin/pages/{guide.id}/edit/").content.decode()
    assert mark_url(guide) not in edit


def test_the_action_is_not_offered_for_a_guide_never_published_or_to_an_unlinked_reviewer(make_staff, guide, reviewer):
    _, unlinked = make_staff("Medical reviewers", "unlinked")
    assert mark_url(guide) not in unlinked.get(f"/admin/pages/{guide.id}/edit/").content.decode()
    _, linked = reviewer
    assert mark_url(guide) in linked.get(f"/admin/pages/{guide.id}/edit/").content.decode()
    guide.unpublish()
    assert mark_url(guide) not in linked.get(f"/admin/pages/{guide.id}/edit/").content.decode()


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_without_the_permission_the_action_is_absent_and_refused(make_staff, guide, group):
    _, client = make_staff(group)
    edit = client.get(f"/admin/pages/{guide.id}/edit/")
    assert edit.status_code == 200
    assert mark_url(guide) not in edit.content.decode() and "Mark as reviewed" not in edit.content.decode()
    assert client.get(mark_url(guide)).status_code == 403
    assert client.post(mark_url(guide), {"note": ""}).status_code == 403
    assert GuidePage.objects.get().last_reviewed == datetime.date(2025, 8, 26)
    assert not PageLogEntry.objects.filter(action=REVIEW_LOG_ACTION).exists()
