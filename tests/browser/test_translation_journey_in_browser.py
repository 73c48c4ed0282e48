"""A guide into Spanish, walked in Chromium by the real roles, each signing in through the sign-in form.

A Moderator starts the translation ("Translate this page"); a Translator translates a section
heading and a table cell in wagtail-localize's editor, typing them, brings in the rest from a PO
file and submits the translation to Medical review; a Medical reviewer who reads Spanish approves it
(group "Medical reviewers (Spanish)", in the Spanish pages' workflow "Medical review (Spanish)")
from their dashboard and marks it medically reviewed; the Moderator gives the final sign-off. Until
then a Spanish-speaking reader gets no Spanish guide (its address answers 404, and the Spanish list
offers the English guide, labelled as English); after it, the Translator's words with the Spanish
guide's own reviewer and date, never the English guide's. Every step ends with no console error and
no 4xx/5xx answer to the admin's own requests (tests/browser/staff.py, `no_problems`).
"""

import polib
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pages.models import GuideIndexPage, GuidePage, Person
from pages.roles import MEDICAL_REVIEWERS, MODERATORS, SPANISH_MEDICAL_REVIEWERS, TRANSLATORS
from tests.browser.staff import docs_shot, no_problems, sign_in, staff_member, success_message
from tests.browser.support import shot
from tests.support import GUIDE_URL

pytestmark = pytest.mark.browser

SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"
ENGLISH_TITLE = "A Patient's Guide to NK Cell Therapy"  # the seeded guide
REVIEWER_PERSON = "Dr. Félix Porras"
# The English words the Translator translates by hand (fixtures/guides/nk-cell-therapy.yaml) ...
HEADING = "Understanding How NK Cell Therapy Works"
TABLE_CELL = "Collected directly from the patient's own blood."
# ... and what they type: a test's stand-ins for a translator's words, never the clinic's text.
TYPED_HEADING = "Encabezado de prueba de la traducción"
TYPED_CELL = "Celda de prueba de la traducción"


def segment(page, source):
    """One string of the translation editor: the English words, what is typed for them, its buttons."""
    return page.locator("li").filter(has=page.get_by_text(source, exact=True)).last


def translate_by_typing(page, source, words):
    string = segment(page, source)
    string.scroll_into_view_if_needed()
    string.get_by_role("button", name="Translate", exact=True).click()
    string.locator("textarea").press_sequentially(words, delay=40)
    string.get_by_role("button", name="Save", exact=True).click()
    # Saved once wagtail-localize says who translated it and when.
    expect(string).to_contain_text("Translated manually on", timeout=15_000)
    expect(string).to_contain_text(words)


def the_rest_from_a_po_file(page, tmp_path):
    """The Translator downloads the PO file, fills in every string not yet translated (a stand-in for
    a professional translator's tool, marked "[es]") and uploads it, as README describes."""
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PO file").click()
    po = polib.pofile(download.value.path().read_text(encoding="utf-8"))
    typed = {entry.msgid: entry.msgstr for entry in po if entry.msgstr}
    assert typed == {HEADING: TYPED_HEADING, TABLE_CELL: TYPED_CELL}, "the editor kept what the Translator typed"
    for entry in po:
        if not entry.msgstr:
            entry.msgstr = f"[es] {entry.msgid}"
    translated = tmp_path / "guide-es.po"
    po.save(str(translated))
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload PO file").click()
    with page.expect_navigation():
        chooser.value.set_files(str(translated))


def anonymous_reader_gets_no_spanish_guide(chromium, site):
    reader = chromium.new_context().new_page()
    response = reader.goto(site + SPANISH_GUIDE_URL)
    assert response.status == 404
    reader.goto(site + "/es/guias/")
    offered = reader.locator(".guide-list__item").filter(has_text=ENGLISH_TITLE)
    expect(offered).to_contain_text("(en inglés)")
    expect(offered.get_by_role("link", name=ENGLISH_TITLE)).to_have_attribute("lang", "en")
    assert reader.get_by_text(TYPED_HEADING).count() == 0
    reader.context.close()


def test_a_guide_is_translated_reviewed_in_spanish_approved_and_read(site, chromium, tmp_path):
    english = GuidePage.objects.get(locale__language_code="en-gb")
    english_stamp = (english.reviewed_by.name, english.last_reviewed)
    staff_member("mo", MODERATORS)
    staff_member("tr", TRANSLATORS)
    reviewer = staff_member("porras", SPANISH_MEDICAL_REVIEWERS)
    Person.objects.filter(name=REVIEWER_PERSON).update(user=reviewer)  # "Mark as reviewed" names them

    # The Moderator starts the translation from the English guide's editor.
    moderator = sign_in(chromium, site, "mo")
    moderator.goto(f"{site}/admin/pages/{english.id}/edit/")
    moderator.locator("header").get_by_role("button", name="Actions").click()
    moderator.get_by_role("link", name="Translate this page").click()
    moderator.get_by_label("Español").check()
    moderator.get_by_role("button", name="Submit").click()
    expect(moderator.get_by_role("link", name="Download PO file")).to_be_visible()
    spanish = GuidePage.objects.get(translation_key=english.translation_key, locale__language_code="es")
    assert not spanish.live
    assert no_problems(moderator) == []
    moderator.context.close()

    # The Translator finds the Spanish guide among the Spanish pages and opens its translation editor.
    translator = sign_in(chromium, site, "tr")
    spanish_index = GuideIndexPage.objects.get(locale__language_code="es")
    translator.goto(f"{site}/admin/pages/{spanish_index.id}/")
    translator.get_by_role("link", name=ENGLISH_TITLE, exact=True).first.click()
    expect(segment(translator, HEADING)).to_be_visible(timeout=20_000)
    translate_by_typing(translator, HEADING, TYPED_HEADING)
    translate_by_typing(translator, TABLE_CELL, TYPED_CELL)
    segment(translator, HEADING).scroll_into_view_if_needed()
    docs_shot(translator, "translation-editor")
    the_rest_from_a_po_file(translator, tmp_path)
    expect(translator.locator(".messages")).to_contain_text("Successfully imported translations from PO File.")

    # Submitted from the Spanish guides' listing: nothing goes live yet.
    translator.goto(f"{site}/admin/pages/{spanish_index.id}/")
    row = translator.get_by_role("row").filter(has_text=ENGLISH_TITLE)
    row.get_by_role("button", name="More options").click()
    row.get_by_role("link", name="Submit translation to Medical review").click()
    expect(translator.get_by_text("strings of this translation are translated")).to_be_visible()
    translator.get_by_role("button", name="Submit to Medical review").click()
    expect(success_message(translator)).to_contain_text("has been submitted to Medical review")
    spanish = GuidePage.objects.get(pk=spanish.pk)
    assert spanish.current_workflow_state is not None and not spanish.live
    assert no_problems(translator) == []
    translator.context.close()
    anonymous_reader_gets_no_spanish_guide(chromium, site)

    # A Medical reviewer who reads only English is not asked: nothing of it awaits their review.
    title = spanish.get_latest_revision_as_object().title
    staff_member("english-reviewer", MEDICAL_REVIEWERS)
    english_reviewer = sign_in(chromium, site, "english-reviewer")
    assert english_reviewer.get_by_role("row").filter(has_text=title).count() == 0
    assert no_problems(english_reviewer) == []
    english_reviewer.context.close()

    # The Medical reviewer who reads Spanish approves it on their dashboard, marking it reviewed today.
    reviewer_page = sign_in(chromium, site, "porras")
    row = reviewer_page.get_by_role("region", name="Awaiting your review").get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()
    modal = reviewer_page.locator(".modal-dialog")
    modal.get_by_label("Also mark as medically reviewed today").check()
    shot(reviewer_page, "spanish-reviewer-approves")
    modal.get_by_role("button", name="Approve").click()
    expect(reviewer_page.locator(".messages")).to_contain_text("It now waits for: Moderators approval.")
    latest = GuidePage.objects.get(pk=spanish.pk).get_latest_revision_as_object()
    assert (latest.reviewed_by.name, latest.last_reviewed) == (REVIEWER_PERSON, timezone.localdate())
    assert no_problems(reviewer_page) == []
    reviewer_page.context.close()
    anonymous_reader_gets_no_spanish_guide(chromium, site)

    # The Moderator's sign-off publishes it.
    moderator = sign_in(chromium, site, "mo")
    row = moderator.get_by_role("region", name="Awaiting your review").get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()
    expect(moderator.locator(".messages")).to_contain_text("has been approved and published.")
    assert no_problems(moderator) == []
    moderator.context.close()

    # A Spanish-speaking reader: the Translator's words, and the Spanish guide's own review stamp.
    reader = chromium.new_context().new_page()
    assert reader.goto(site + SPANISH_GUIDE_URL).status == 200
    assert reader.locator("html").get_attribute("lang") == "es-MX"
    expect(reader.get_by_role("heading", name=TYPED_HEADING)).to_be_visible()
    expect(reader.locator("table").get_by_role("cell", name=TYPED_CELL)).to_be_visible()
    assert reader.get_by_text(HEADING, exact=True).count() == 0
    credits = reader.locator(".guide-credits")
    expect(credits).to_contain_text(REVIEWER_PERSON)
    expect(credits.locator("time").first).to_have_attribute("datetime", timezone.localdate().isoformat())
    shot(reader, "spanish-guide-after-review", full_page=True)
    # The English guide keeps its own reviewer and date.
    reader.goto(site + GUIDE_URL)
    expect(reader.locator(".guide-credits time").first).to_have_attribute("datetime", english_stamp[1].isoformat())
    assert GuidePage.objects.get(pk=english.pk).last_reviewed == english_stamp[1] != timezone.localdate()
    reader.context.close()
