"""Every part of a guide reaches the translation editor as a string, and comes back translated."""

import json

from django.apps import apps as django_apps
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource
from wagtail_localize.segments.extract import extract_segments

from pages.models import GuidePage

# One of each kind of part, as the clinic wrote it (fixtures/guides/nk-cell-therapy.yaml).
EXPECTED_STRINGS = {
    "section heading": "Understanding How NK Cell Therapy Works",
    "table column heading": "Autologous Therapy (Patient's Own Cells)",
    "table row heading cell": "Immune Surveillance",
    "table cell": "Collected directly from the patient's own blood.",
    "list lead": "Reduce Chronic Inflammation:",
    "FAQ question": "Who Is an Ideal Candidate for NK Cell Therapy?",
    "figure caption": "The visual map: from normal patrol to depletion and therapeutic reinforcement",
}


def strings_of(instance):
    return [segment.render_text() for segment in extract_segments(instance) if hasattr(segment, "render_text")]


def test_every_kind_of_part_of_the_seeded_guide_is_offered_for_translation(seeded):
    strings = strings_of(GuidePage.objects.get())
    missing = {kind: text for kind, text in EXPECTED_STRINGS.items() if text not in strings}
    assert missing == {}
    # The figure's text alternative and the FAQ's answers and paragraphs, too.
    assert any(text.startswith("A diagram in three stages.") for text in strings)
    assert any(text.startswith("The ideal candidate is often someone") for text in strings)


def test_sources_titles_are_offered_for_translation(seeded):
    guide = GuidePage.objects.get()
    guide.sources = [
        {"type": "source", "value": {"title": "Natural killer cells in health and disease", "publisher": "A journal"}}
    ]
    guide.save_revision().publish()
    assert "Natural killer cells in health and disease" in strings_of(GuidePage.objects.get())


def test_a_translated_table_cell_comes_back_in_its_place(seeded):
    english = GuidePage.objects.get()
    spanish_locale = Locale.objects.get(language_code="es")
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(source=source, target_locale=spanish_locale)
    cell = EXPECTED_STRINGS["table cell"]
    segment = source.stringsegment_set.select_related("string", "context").get(string__data=cell)
    # A test's stand-in for a translator's words, never the clinic's.
    StringTranslation.objects.create(
        translation_of=segment.string, locale=spanish_locale, context=segment.context, data="Celda de prueba"
    )
    translation.save_target(publish=False)
    spanish = english.get_translation(spanish_locale).get_latest_revision_as_object()
    contents = [section.value["content"] for section in spanish.body]
    contents += [sub["content"] for section in spanish.body for sub in section.value["subsections"]]
    cells = [
        value
        for content in contents
        for block in content
        if block.block_type == "table"
        for row in block.value.row_data
        for value in row["values"]
    ]
    assert "Celda de prueba" in cells and cell not in cells


def test_guides_saved_before_nested_blocks_had_ids_get_them_from_the_data_migration(seeded):
    from importlib import import_module

    migration = import_module("pages.migrations.0012_nested_block_ids")
    guide = GuidePage.objects.get()
    old_style = json.loads(json.dumps(guide.body.get_prep_value()))

    def strip_nested_ids(value, top=True):
        # As the seeder used to store it: list items as plain values, nested blocks without ids.
        if isinstance(value, dict):
            if value.get("type") == "item" and set(value) == {"type", "value", "id"}:
                return strip_nested_ids(value["value"], False)
            return {k: strip_nested_ids(v, False) for k, v in value.items() if top or k != "id"}
        if isinstance(value, list):
            return [strip_nested_ids(item, False) for item in value]
        return value

    GuidePage.objects.filter(pk=guide.pk).update(body=json.dumps([strip_nested_ids(s) for s in old_style]))
    revision = guide.live_revision
    revision.content["body"] = json.dumps([strip_nested_ids(s) for s in old_style])
    revision.save(update_fields=["content"])
    assert '"id"' not in json.dumps(GuidePage.objects.get().body.get_prep_value()[0]["value"])

    migration.add_block_ids(django_apps, None)

    def nested_ids(data):
        found = []
        for section in data:
            for block in section["value"]["content"]:
                found.append(block.get("id"))
        return found

    migrated = GuidePage.objects.get()
    assert all(nested_ids(migrated.body.get_prep_value()))
    assert all(nested_ids(json.loads(migrated.live_revision.content["body"])))
    # And wagtail-localize can now read every string of it.
    assert EXPECTED_STRINGS["table cell"] in strings_of(migrated)
