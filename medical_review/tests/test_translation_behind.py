"""A Spanish guide whose English guide changed after its last review says so: to patients and to staff."""

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail_localize.models import TranslationSource

from medical_review.review import guides_with_review_dates
from pages.models import GuidePage
from tests.support import GUIDE_URL, normalise
from tests.translations import approve_through_review, publish_in_spanish

SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"


@pytest.fixture
def spanish(seeded):
    return publish_in_spanish()


def notice(client):
    soup = BeautifulSoup(client.get(SPANISH_GUIDE_URL).content, "html.parser")
    return soup.select_one(".translation-behind")


def change_english(title="A Patient's Guide to NK Cell Therapy, changed"):
    english = GuidePage.objects.get(locale__language_code="en-gb")
    english.title = title
    english.save_revision().publish()
    return english


def test_an_up_to_date_translation_shows_no_notice(client, spanish):
    assert notice(client) is None
    assert "behind the English" not in [g for g in guides_with_review_dates() if g.pk == spanish.pk][0].status_label


def test_a_change_to_the_english_guide_puts_the_translation_behind_for_readers_and_staff(client, spanish):
    change_english()
    shown = notice(client)
    assert shown is not None
    today = timezone.localdate()
    months = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    spanish_date = f"{today.day} de {months[today.month - 1]} de {today.year}"
    assert normalise(shown.get_text(" ")).startswith(
        f"La versión en inglés de esta guía se actualizó el {spanish_date}, después de la última revisión de esta traducción."
    )
    assert shown.a["href"] == GUIDE_URL and shown.a["hreflang"] == "en"
    row = [g for g in guides_with_review_dates() if g.pk == spanish.pk][0]
    assert row.language == "Español" and "behind the English guide, which changed on" in row.status_label
    # The English guide itself is not behind anything.
    english_row = [g for g in guides_with_review_dates() if g.locale.language_code == "en-gb"][0]
    assert english_row.language == "English" and "behind" not in english_row.status_label


def test_marking_the_english_guide_reviewed_changes_nothing_patients_read_and_no_translation_falls_behind(
    client, spanish
):
    english = GuidePage.objects.get(locale__language_code="en-gb")
    english.last_reviewed = timezone.localdate()
    english.save_revision().publish()
    assert notice(client) is None


def test_synced_and_reviewed_again_the_translation_catches_up(client, spanish):
    english = change_english()
    assert notice(client) is not None
    # Approved again without being synced from the changed English: still behind.
    current = GuidePage.objects.get(pk=spanish.pk)
    current.save_revision()
    approve_through_review(current)
    assert notice(client) is not None
    # Synced from the English guide (wagtail-localize extracts it anew), then reviewed and approved.
    TranslationSource.update_or_create_from_instance(english)
    current = GuidePage.objects.get(pk=spanish.pk)
    current.last_reviewed = timezone.localdate()
    current.save_revision()
    approve_through_review(current)
    assert notice(client) is None
    assert GuidePage.objects.get(pk=spanish.pk).english_changed_at is None
