"""What changed since the last medical review, shown before the reviewer stamps the guide."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import PageLogEntry

from medical_review.review import mark_reviewed
from pages.models import GuidePage, Person
from tests.support import normalise


@pytest.fixture
def reviewer(make_staff, guide):
    person = Person.objects.get(name="Dr. Félix Porras")
    return make_staff("Medical reviewers", "porras", person=person)


def changes_section(client, guide):
    soup = BeautifulSoup(client.get(f"/admin/guides/{guide.id}/mark-reviewed/").content, "html.parser")
    return soup.select_one(".review-changes")


def publish_change(guide, **fields):
    page = GuidePage.objects.get(pk=guide.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.publish()
    return GuidePage.objects.get(pk=guide.pk)


def test_a_guide_whose_history_starts_after_its_last_review_says_so(reviewer, guide):
    _, client = reviewer
    text = normalise(changes_section(client, guide).get_text(" "))
    assert "This guide's history does not go back to its last review on 26 August 2025" in text
    assert changes_section(client, guide).find("a", href=f"/admin/pages/{guide.id}/history/") is not None


def test_no_changes_since_the_last_review_is_said_plainly(reviewer, guide):
    user, client = reviewer
    mark_reviewed(guide, user)
    section = changes_section(client, guide)
    assert "No changes since the last review." in normalise(section.get_text(" "))
    assert section.find("a", string=lambda s: s and "Compare" in s) is None


def test_a_change_since_the_last_review_is_named_and_linked_to_wagtails_comparison(reviewer, guide):
    user, client = reviewer
    stamped = mark_reviewed(guide, user).published_revision
    guide = publish_change(guide, summary="A new summary written after the review.")
    section = changes_section(client, guide)
    assert "Changed since the last review: Summary." in normalise(section.get_text(" "))
    link = section.find("a", string=lambda s: s and "Compare the reviewed version" in s)
    assert link["href"] == f"/admin/pages/{guide.id}/revisions/compare/{stamped.id}...{guide.live_revision_id}/"
    comparison = client.get(link["href"])
    assert comparison.status_code == 200
    assert "A new summary written after the review." in comparison.content.decode()


def test_an_older_review_compares_with_the_version_published_by_that_day(reviewer, guide):
    _, client = reviewer
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    guide = publish_change(guide, last_reviewed=yesterday)
    reviewed_revision = guide.live_revision_id
    PageLogEntry.objects.filter(page=guide, action="wagtail.publish").update(
        timestamp=timezone.now() - datetime.timedelta(days=1, hours=1)
    )
    guide = publish_change(guide, summary="Changed today.")
    section = changes_section(client, guide)
    assert "Changed since the last review: Summary." in normalise(section.get_text(" "))
    link = section.find("a", string=lambda s: s and "Compare the reviewed version" in s)
    assert link["href"].endswith(f"/compare/{reviewed_revision}...{guide.live_revision_id}/")


def test_the_history_says_which_version_was_reviewed(reviewer, guide):
    _, client = reviewer
    response = client.post(f"/admin/guides/{guide.id}/mark-reviewed/", {"note": "All good."})
    assert response.status_code == 302
    guide = GuidePage.objects.get()
    history = normalise(BeautifulSoup(client.get(f"/admin/pages/{guide.id}/history/").content, "html.parser").text)
    assert f"Reviewed version: revision {guide.live_revision_id}." in history
