"""How much of a guide's translation is still untranslated, by wagtail-localize's own count.

wagtail-localize fills each string not yet translated with the English original when it saves a
translated page, so such a page reads partly in English: it may never be approved or published.
"""


def untranslated_strings(guide):
    """(strings not yet translated, strings in all) of the guide's translation; (0, 0) if
    wagtail-localize does not manage it (made another way, e.g. Wagtail's own copy)."""
    from wagtail_localize.models import Translation

    translation = (
        Translation.objects.filter(source__object_id=guide.translation_key, target_locale_id=guide.locale_id)
        .select_related("source")
        .first()
    )
    if translation is None:
        return 0, 0
    total, done = translation.get_progress()
    return total - done, total


def untranslated_refusal(guide):
    missing, total = untranslated_strings(guide)
    if not missing:
        return None
    return (
        f"{missing} of the {total} strings of this translation are not translated yet, so patients would "
        "read them in English. Translate them all in the translation editor first."
    )
