"""A translated guide is medical content: live only as a Medical reviewer approved it, and whole."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from pages.models import GuidePage, Person
from tests.translations import TEST_TITLE, approve_through_review, spanish_draft, staff_member

SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"


@pytest.fixture
def english(seeded):
    return GuidePage.objects.get(locale__language_code="en-gb")


def own_stamp():
    """The translation's own medical review stamp, as its reviewer gives it."""
    return {"reviewed_by": Person.objects.get(name="Dr. Félix Porras"), "last_reviewed": timezone.localdate()}


def test_a_translation_published_directly_is_refused_and_stays_unseen(client, english):
    spanish = spanish_draft(english, **own_stamp())
    with pytest.raises(ValidationError, match="only once a Medical reviewer has approved this version"):
        spanish.get_latest_revision().publish(user=staff_member("Moderators"))
    assert not GuidePage.objects.get(pk=spanish.pk).live
    assert client.get(SPANISH_GUIDE_URL).status_code == 404


def test_a_translation_approved_in_the_workflow_goes_live(client, english):
    spanish = approve_through_review(spanish_draft(english, **own_stamp()))
    assert spanish.live and client.get(SPANISH_GUIDE_URL).status_code == 200
    # A change made after the approval is not live until it is approved in its turn.
    spanish.title = "Cambio de prueba sin aprobar"
    revision = spanish.save_revision()
    with pytest.raises(ValidationError):
        revision.publish(user=staff_member("Moderators"))
    assert GuidePage.objects.get(pk=spanish.pk).title == TEST_TITLE


def test_wagtail_localize_makes_a_new_translation_a_draft_not_a_live_page(english):
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="es"))
    translation.save_target(user=staff_member("Editors"), publish=False)
    spanish = english.get_translation(Locale.objects.get(language_code="es"))
    assert not spanish.live


def test_a_translation_with_strings_still_in_english_can_never_be_approved_or_published(english):
    source, _ = TranslationSource.get_or_create_from_instance(english)
    spanish_locale = Locale.objects.get(language_code="es")
    translation = Translation.objects.create(source=source, target_locale=spanish_locale)
    # One string translated (the title); every other string still waits for the translator.
    title_segment = source.stringsegment_set.select_related("string", "context").get(context__path="title")
    StringTranslation.objects.create(
        translation_of=title_segment.string,
        locale=spanish_locale,
        context=title_segment.context,
        data=TEST_TITLE,
    )
    translation.save_target(user=staff_member("Editors"), publish=False)
    spanish = GuidePage.objects.get(translation_key=english.translation_key, locale=spanish_locale)
    for name, value in own_stamp().items():
        setattr(spanish, name, value)
    spanish.save_revision()
    total, done = translation.get_progress()
    assert 1 == done < total
    with pytest.raises(PermissionDenied, match=f"{total - 1} of the {total} strings of this translation"):
        approve_through_review(spanish)
    with pytest.raises(ValidationError, match="not translated yet"):
        spanish.get_latest_revision().publish(user=staff_member("Moderators"))
    assert not GuidePage.objects.get(pk=spanish.pk).live


def test_a_translation_starts_without_the_english_reviewer_and_date_and_keeps_its_own(english):
    assert english.reviewed_by is not None and english.last_reviewed is not None
    spanish = spanish_draft(english)
    assert spanish.reviewed_by is None and spanish.last_reviewed is None
    # Approving it needs its own medical review stamp: the English one is not carried over.
    with pytest.raises(PermissionDenied, match="medical reviewer"):
        approve_through_review(spanish)
    # Synced from a changed English guide by wagtail-localize, its own stamp stays.
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="es"))
    GuidePage.objects.filter(pk=spanish.pk).update(last_reviewed="2026-01-15")
    translation.save_target(publish=False)
    synced = GuidePage.objects.get(pk=spanish.pk)
    assert str(synced.last_reviewed) == "2026-01-15" and synced.reviewed_by is None
