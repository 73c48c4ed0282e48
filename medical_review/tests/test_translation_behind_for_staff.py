"""Staff are told when a Spanish guide is behind its English one, with what changed in English: on
the dashboard and in the guide's editor; review dates and reminders name each language."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from pages.models import GuidePage, Person
from tests.support import normalise
from tests.translations import publish_in_spanish

CHANGED_TITLE = "A Patient's Guide to NK Cell Therapy, changed"


@pytest.fixture
def spanish(seeded):
    return publish_in_spanish()


def change_english():
    english = GuidePage.objects.get(locale__language_code="en-gb")
    before = english.live_revision_id
    english.title = CHANGED_TITLE
    english.save_revision().publish()
    return english, before


def test_the_dashboard_lists_a_translation_behind_with_what_changed_in_english(make_staff, spanish):
    _, moderator = make_staff("Moderators")
    soup = BeautifulSoup(moderator.get("/admin/").content, "html.parser")
    assert soup.select(".guide-translations-behind") == []

    english, before = change_english()
    soup = BeautifulSoup(moderator.get("/admin/").content, "html.parser")
    (item,) = soup.select(".guide-translations-behind li")
    assert normalise(item.get_text(" ")).startswith(f"{spanish.title} (Español): the English guide changed on")
    assert item.a["href"] == f"/admin/pages/{spanish.pk}/edit/"
    compare = item.select("a")[-1]
    assert normalise(compare.get_text()) == f"See what changed in English for {spanish.title}"
    assert compare["href"] == f"/admin/pages/{english.pk}/revisions/compare/{before}...live/"
    # The comparison shows the English change.
    comparison = moderator.get(compare["href"])
    assert comparison.status_code == 200
    assert CHANGED_TITLE in normalise(BeautifulSoup(comparison.content, "html.parser").select_one("main").get_text())


def test_the_translations_editor_warns_that_it_is_behind_and_links_to_the_english_changes(make_staff, spanish):
    _, moderator = make_staff("Moderators")
    page = BeautifulSoup(moderator.get(f"/admin/pages/{spanish.pk}/edit/").content, "html.parser")
    assert "This translation is behind its English guide" not in page.get_text()

    english, before = change_english()
    page = BeautifulSoup(moderator.get(f"/admin/pages/{spanish.pk}/edit/").content, "html.parser")
    warning = next(li for li in page.select(".messages li") if "behind its English guide" in li.get_text())
    assert "Sync it from the English guide" in warning.get_text()
    assert warning.a["href"] == f"/admin/pages/{english.pk}/revisions/compare/{before}...live/"
    # The English guide's own editor has no such warning.
    english_page = moderator.get(f"/admin/pages/{english.pk}/edit/").content.decode()
    assert "This translation is behind" not in english_page


def test_review_status_and_reminders_name_each_language(make_staff, spanish):
    porras = Person.objects.get(name="Dr. Félix Porras")
    make_staff("Medical reviewers", "porras", person=porras, email="fp@clinic.test")
    GuidePage.objects.filter(pk=spanish.pk).update(last_reviewed=datetime.date(2020, 1, 15), reviewed_by=porras)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("review_status", "--notify", stdout=out, stderr=err)
    rows = [line for line in out.getvalue().splitlines() if line.startswith(spanish.title)]
    assert len(rows) == 1 and rows[0].split()[len(spanish.title.split())] == "Español"
    (message,) = [
        m for m in mail.outbox if m.subject.startswith("Medical review overdue") and spanish.title in m.subject
    ]
    assert message.subject == f"Medical review overdue: {spanish.title} (Español)"
    assert f"The guide “{spanish.title}”, in Español, was last reviewed on 15 January 2020" in message.body
    assert f"Emailed fp@clinic.test about “{spanish.title}” (Español)." in out.getvalue()


def test_what_changed_in_english_runs_from_the_version_the_translation_was_last_synced_from(make_staff, spanish):
    from wagtail_localize.models import TranslationSource

    from medical_review.translations import english_changes_url

    english = GuidePage.objects.get(locale__language_code="en-gb")
    synced_from = english.live_revision_id
    TranslationSource.update_or_create_from_instance(english)  # as wagtail-localize's editor does
    english, _ = change_english()
    english.summary = "A second change, after the first."
    english.save_revision().publish()
    behind = GuidePage.objects.get(pk=spanish.pk)
    # Both changes since the translation followed the English, not only the latest.
    assert english_changes_url(behind) == f"/admin/pages/{english.pk}/revisions/compare/{synced_from}...live/"
    assert english_changes_url(english) == ""
