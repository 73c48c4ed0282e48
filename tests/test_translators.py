"""Translators: translate the Spanish pages and submit them to Medical review; nothing else."""

import warnings

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.paginator import UnorderedObjectListWarning
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from consultations.roles import COORDINATORS
from pages.models import GuidePage, HomePage
from tests.test_roles import refused
from tests.translations import TEST_TITLE


@pytest.fixture
def english(seeded):
    return GuidePage.objects.get(locale__language_code="en-gb")


@pytest.fixture
def spanish_translation(english):
    """The guide's translation started in wagtail-localize (a draft), with no string translated yet."""
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="es"))
    translation.save_target(publish=False)
    return translation


def translate_everything(translation):
    """A test's stand-in for the translator's work: each string marked, never the clinic's words."""
    locale = translation.target_locale
    for segment in translation.source.stringsegment_set.select_related("string", "context"):
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": TEST_TITLE if segment.context.path == "title" else f"[es] {segment.string.data}"},
        )


def test_translators_hold_only_what_translating_needs(seeded):
    translators = Group.objects.get(name="Translators")
    assert sorted(translators.permissions.values_list("content_type__app_label", "codename")) == [
        ("wagtail_localize", "submit_translation"),
        ("wagtailadmin", "access_admin"),
    ]
    # Change, on the Spanish pages only: no publish, add or delete; nothing on the English pages.
    granted = [
        (p.page.locale.language_code, p.page.depth, p.permission.codename) for p in translators.page_permissions.all()
    ]
    assert granted == [("es", 2, "change_page")]
    assert HomePage.objects.get(locale__language_code="es").url == "/es/"


def test_a_translator_edits_the_spanish_guide_but_not_the_english_one_and_cannot_publish(
    make_staff, english, spanish_translation
):
    user, client = make_staff("Translators")
    spanish = english.get_translation(spanish_translation.target_locale)
    assert spanish.permissions_for_user(user).can_edit()
    assert not spanish.permissions_for_user(user).can_publish()
    assert not english.permissions_for_user(user).can_edit()
    assert client.get(f"/admin/pages/{spanish.id}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{english.id}/edit/").status_code in (302, 403)


def test_a_translation_with_strings_left_cannot_be_submitted(make_staff, english, spanish_translation):
    _user, client = make_staff("Translators")
    spanish = english.get_translation(spanish_translation.target_locale)
    response = client.post(f"/admin/guides/{spanish.id}/submit-translation/")
    assert (
        response.status_code == 200
        and "strings of this translation are not translated yet" in response.content.decode()
    )
    assert GuidePage.objects.get(pk=spanish.pk).current_workflow_state is None


def test_a_translator_submits_a_whole_translation_to_medical_review_and_nothing_goes_live(
    make_staff, client, english, spanish_translation
):
    _user, staff_client = make_staff("Translators")
    translate_everything(spanish_translation)
    spanish = english.get_translation(spanish_translation.target_locale)
    listing = staff_client.get(f"/admin/pages/{spanish.get_parent().id}/").content.decode()
    assert "Submit translation to Medical review" in listing
    response = staff_client.post(f"/admin/guides/{spanish.id}/submit-translation/")
    assert response.status_code == 302
    spanish = GuidePage.objects.get(pk=spanish.pk)
    assert spanish.current_workflow_state is not None
    assert spanish.get_latest_revision_as_object().title == TEST_TITLE
    assert not spanish.live and client.get("/es/guias/nk-cell-therapy/").status_code == 404


def test_a_translator_downloads_the_po_file_and_uploads_it_translated_then_submits_it(
    make_staff, english, spanish_translation
):
    """For a professional translator's tools: wagtail-localize's PO file, out and back in."""
    import polib
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from medical_review.untranslated import untranslated_strings

    _user, translator = make_staff("Translators")
    download = translator.get(reverse("wagtail_localize:download_pofile", args=[spanish_translation.id]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith("-es.po")
    po = polib.pofile(download.content.decode())
    assert english.title in [entry.msgid for entry in po]
    assert po.percent_translated() == 0

    for entry in po:  # a test's stand-in for the translator's work, never the clinic's words
        entry.msgstr = TEST_TITLE if entry.msgid == english.title else f"[es] {entry.msgid}"
    upload = translator.post(
        reverse("wagtail_localize:upload_pofile", args=[spanish_translation.id]),
        {"file": SimpleUploadedFile("guide-es.po", str(po).encode()), "next": "/admin/"},
    )
    assert upload.status_code == 302
    spanish = english.get_translation(spanish_translation.target_locale)
    left, total = untranslated_strings(spanish)
    assert total > 0 and left == 0
    assert translator.post(f"/admin/guides/{spanish.id}/submit-translation/").status_code == 302
    spanish = GuidePage.objects.get(pk=spanish.pk)
    assert spanish.current_workflow_state is not None
    assert spanish.get_latest_revision_as_object().title == TEST_TITLE
    assert not spanish.live


def test_a_po_file_for_another_translation_is_refused(make_staff, english, spanish_translation):
    import polib
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    _user, translator = make_staff("Translators")
    po = polib.pofile(
        translator.get(reverse("wagtail_localize:download_pofile", args=[spanish_translation.id])).content.decode()
    )
    po.metadata["X-WagtailLocalize-TranslationID"] = "00000000-0000-0000-0000-000000000000"
    for entry in po:
        entry.msgstr = f"[es] {entry.msgid}"
    response = translator.post(
        reverse("wagtail_localize:upload_pofile", args=[spanish_translation.id]),
        {"file": SimpleUploadedFile("guide-es.po", str(po).encode()), "next": "/admin/"},
        follow=True,
    )
    assert "Cannot import PO file that was created for a different translation." in response.content.decode()
    assert not StringTranslation.objects.exists()


def test_the_translations_report_is_for_those_who_work_on_guides_and_in_a_steady_order(
    make_staff, english, spanish_translation
):
    _, coordinator = make_staff(COORDINATORS)
    for address in ("/admin/localize/reports/translations/", "/admin/localize/reports/translations/results/"):
        assert refused(coordinator.get(address)), address

    _, editor = make_staff("Editors")
    with warnings.catch_warnings():
        # Paged unordered, a row could repeat or go missing between pages: Django warns, the test fails.
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = editor.get("/admin/localize/reports/translations/")
    assert response.status_code == 200
    rows = [
        " ".join(row.get_text().split()) for row in BeautifulSoup(response.content, "html.parser").select("tbody tr")
    ]
    assert len(rows) == 1 and f"{english.title} (English)" in rows[0], rows
