"""The derived next-review date, the review interval, and what publishing requires."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import timezone

from pages.dates import add_months
from pages.models import ClinicSettings, GuidePage
from tests.support import GUIDE_URL, normalise


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2025, 8, 26), 12, datetime.date(2026, 8, 26)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),  # no 29 Feb in 2025
        (datetime.date(2024, 2, 29), 48, datetime.date(2028, 2, 29)),  # a leap year again
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 11, 30), 3, datetime.date(2026, 2, 28)),
        (datetime.date(2025, 12, 15), 6, datetime.date(2026, 6, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_next_review_due_uses_the_clinic_default_then_the_guides_own_interval(seeded):
    guide = GuidePage.objects.get()
    assert guide.review_interval_months is None
    assert guide.next_review_due() == datetime.date(2026, 8, 26)

    clinic = ClinicSettings.load()
    clinic.review_interval_months = 6
    clinic.save()
    assert GuidePage.objects.get().next_review_due() == datetime.date(2026, 2, 26)

    guide.review_interval_months = 24
    assert guide.next_review_due() == datetime.date(2027, 8, 26)


def test_a_29_february_review_is_due_on_28_february_and_the_page_says_so(client, seeded):
    guide = GuidePage.objects.get()
    guide.last_reviewed = datetime.date(2024, 2, 29)
    guide.save_revision().publish()
    soup = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser")
    text = normalise(soup.select_one(".guide-credits").get_text(" "))
    assert "Last reviewed: 29 February 2024" in text
    assert "Next review due: 28 February 2025" in text


def test_a_per_guide_interval_shows_on_the_public_page(client, seeded):
    guide = GuidePage.objects.get()
    guide.review_interval_months = 3
    guide.save_revision().publish()
    soup = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser")
    next_due = soup.select(".guide-credits time")[1]
    assert next_due.get_text() == "26 November 2025" and next_due["datetime"] == "2025-11-26"


def test_review_status_overdue_due_soon_and_up_to_date(seeded):
    guide = GuidePage.objects.get()  # due 26 August 2026
    assert guide.review_status(datetime.date(2026, 8, 27))[0] == "overdue"
    assert guide.review_status(datetime.date(2026, 8, 26))[0] == "due-soon"
    assert guide.review_status(datetime.date(2026, 7, 27))[0] == "due-soon"
    assert guide.review_status(datetime.date(2026, 7, 26))[0] == "up-to-date"
    guide.last_reviewed = None
    assert guide.review_status()[0] == "not-reviewed"


def test_last_reviewed_cannot_be_in_the_future(seeded):
    guide = GuidePage.objects.get()
    guide.last_reviewed = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        guide.full_clean()
    assert error.value.message_dict == {"last_reviewed": ["The last-reviewed date cannot be in the future."]}


def test_review_interval_must_be_between_1_and_60_months(seeded):
    guide = GuidePage.objects.get()
    guide.review_interval_months = 61
    with pytest.raises(ValidationError) as error:
        guide.full_clean()
    assert "review_interval_months" in error.value.message_dict


@pytest.mark.parametrize(
    ("field", "words"),
    [("author", "an author"), ("reviewed_by", "a medical reviewer"), ("last_reviewed", "a last-reviewed date")],
)
def test_a_guide_missing_author_reviewer_or_date_can_be_saved_as_a_draft_but_not_published(seeded, field, words):
    guide = GuidePage.objects.get()
    setattr(guide, field, None)
    revision = guide.save_revision()  # a draft may be incomplete
    with pytest.raises(ValidationError) as error:
        revision.publish()
    assert error.value.message_dict == {field: [f"A guide needs {words} before it can be published."]}
    guide = GuidePage.objects.get()
    assert guide.live_revision_id != revision.id
    assert getattr(guide, field) is not None  # the live guide is unchanged


def overdue_notice(client):
    soup = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser")
    notice = soup.select_one(".review-overdue")
    return normalise(notice.get_text(" ")) if notice else None


def test_patients_are_told_when_a_guides_review_is_overdue(client, seeded):
    guide = GuidePage.objects.get()
    guide.last_reviewed = timezone.localdate() - datetime.timedelta(days=400)
    guide.save_revision().publish()
    text = overdue_notice(client)
    assert text is not None, "an overdue guide must say so"
    assert text.startswith("This guide is due for its regular medical review.")
    assert f"It was last reviewed on {guide.last_reviewed:%-d %B %Y}" in text
    assert f"due to be checked again by {add_months(guide.last_reviewed, 12):%-d %B %Y}" in text

    # Reviewed again: the notice goes at once.
    guide.last_reviewed = timezone.localdate()
    guide.save_revision().publish()
    assert overdue_notice(client) is None


def test_the_overdue_notice_appears_on_the_clinics_first_day_past_due_even_from_the_page_cache(
    client, seeded, monkeypatch
):
    from delivery import cache as cache_module

    today = timezone.localdate()
    guide = GuidePage.objects.get()
    guide.last_reviewed = add_months(today, -12)  # due today: not yet overdue
    guide.save_revision().publish()
    for _ in range(2):
        response = client.get(GUIDE_URL)
    assert response.headers["X-Page-Cache"] == "hit" and overdue_notice(client) is None

    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert cache_module.timezone.localdate() == tomorrow
    response = client.get(GUIDE_URL)
    assert response.headers["X-Page-Cache"] == "miss"
    assert overdue_notice(client) is not None
