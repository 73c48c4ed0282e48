"""A guide's Spanish version for tests of what readers get, made and published as the clinic's
process requires (benchmarks/spanish_guide.py, shared with `make bench`); the browser tests walk
the same way in the admin."""

from benchmarks.spanish_guide import (  # noqa: F401 (the tests' names for them)
    TEST_TITLE,
    approve_through_review,
    publish_in_spanish,
    spanish_draft,
    staff_member,
)


def publish_in_spanish_through_wagtail_localize(english=None):
    """The Spanish guide as staff make it in the admin: "Translate this page" (wagtail-localize's
    source and translation, linked to the English guide, as "Sync translated pages" needs), each
    string translated (a test's stand-in words), then approved through Medical review."""
    from wagtail.models import Locale
    from wagtail_localize.models import StringTranslation, Translation, TranslationSource

    from pages.models import GuidePage, Person

    english = english or GuidePage.objects.get(locale__language_code="en-gb")
    locale = Locale.objects.get(language_code="es")
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(source=source, target_locale=locale)
    # The address keeps the English slug, as the guide's Spanish address does (/es/guias/nk-cell-therapy/).
    for segment in source.stringsegment_set.select_related("string", "context"):
        stand_in = {"title": TEST_TITLE, "slug": segment.string.data}
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": stand_in.get(segment.context.path) or f"[es] {segment.string.data}"},
        )
    translation.save_target(user=staff_member("Translators"), publish=False)
    spanish = english.get_translation(locale)
    spanish.reviewed_by = Person.objects.get(name="Dr. Félix Porras")
    spanish.last_reviewed = english.last_reviewed
    spanish.save_revision(user=staff_member("Translators"))
    spanish = approve_through_review(spanish)
    assert spanish.live, "the approved Spanish guide should be live"
    return spanish, translation
