"""Editor-entered HTML never reaches a public page as live markup, whichever way it was entered:
the admin's editor, a raw rich text value saved directly (an import, a buggy script), or a seed file."""

import json

import pytest
import yaml
from bs4 import BeautifulSoup
from django.core.cache import cache
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from pages.models import ClinicSettings, GuidePage
from pages.seeding import SITE_FILE, SeedError, seed
from tests.support import GUIDE_URL
from tests.test_admin_editing import edit_form_data

SCRIPT = "<script>window.pwned = 1</script>"
ONERROR = '<img src="x" onerror="window.pwned = 1">'
JS_LINK = '<a href="javascript:window.pwned=1">Click here</a>'
ATTACK = f"<p>Before {SCRIPT}{ONERROR}{JS_LINK} after.</p>"


def assert_no_live_markup(html):
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one("main")
    # The site's own reading counter (impact/) is the one script and image a guide's page carries.
    for ours in main.select(
        ".reading-counter, script[src='/static/js/reading-counter.js'], noscript:has(> img.reading-counter__image)"
    ):
        ours.decompose()
    assert main.select("script, img, iframe, object, embed, style") == []
    for element in main.find_all(True):
        for attribute, value in element.attrs.items():
            assert not attribute.lower().startswith("on"), element
            if attribute in ("href", "src", "action"):
                assert not str(value).strip().lower().startswith(("javascript:", "data:", "vbscript:")), element
    return main


def contentstate(text, link_url):
    """What the Draftail editor posts: the text as typed, and a link over its first word."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 6, "key": 0}],
                }
            ],
            "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link_url}}},
        }
    )


def test_markup_typed_into_the_admin_editor_is_shown_as_text_never_run(staff_client):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    typed = f"Typed {SCRIPT} and {ONERROR}"
    paragraph_key = "body-0-value-content-0-value"
    faq_keys = [key for key in data if key.endswith("-answer")]
    cell_keys = [key for key in data if "-cell-" in key]
    assert data[paragraph_key] and faq_keys and cell_keys
    data[paragraph_key] = contentstate(typed, "javascript:window.pwned=1")
    data[faq_keys[0]] = contentstate(typed, "javascript:window.pwned=1")
    data["introduction"] = contentstate(typed, "javascript:window.pwned=1")
    data[cell_keys[1]] = f"Cell {ONERROR}{SCRIPT}"
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    staff_client.logout()
    main = assert_no_live_markup(staff_client.get(GUIDE_URL).content.decode())
    text = main.get_text()
    # The words arrive exactly as typed, shown as text.
    assert text.count(f"Typed {SCRIPT} and {ONERROR}") == 3
    assert f"Cell {ONERROR}{SCRIPT}" in text


def test_raw_rich_text_saved_without_the_editor_is_cleaned_on_the_page(client, seeded):
    guide = GuidePage.objects.get()
    section = guide.body[0].value
    section["content"][0].value.source = ATTACK
    faq = next(
        block
        for stream_block in guide.body
        for content in [stream_block.value["content"], *(sub["content"] for sub in stream_block.value["subsections"])]
        for block in content
        if block.block_type == "faq_item"
    )
    faq.value["answer"] = RichText(ATTACK)
    guide.introduction = ATTACK
    guide.save_revision().publish()
    clinic = ClinicSettings.load()
    clinic.mexico_statement = ATTACK
    clinic.save()

    html = client.get(GUIDE_URL).content.decode()
    main = assert_no_live_markup(html)
    # What the editor could have made survives: the paragraph, its words, and the link's words.
    cleaned = main.find_all("p", string=None)
    assert sum("Before" in p.get_text() and "Click here after." in p.get_text() for p in cleaned) == 4
    assert "window.pwned" not in main.get_text()


def test_a_link_address_that_would_run_code_is_refused_by_the_admin_and_never_linked(staff_client):
    url = f"/admin/settings/pages/clinicsettings/{ClinicSettings.load().pk}/"
    data = querydict_from_html(staff_client.get(url).content.decode(), form_id="w-editor-form")
    data["mexico_statement"] = rich_text(ClinicSettings.load().mexico_statement)
    data["consultation_link_url"] = "javascript:window.pwned=1"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert ClinicSettings.load().consultation_link_url == ""

    # Even if such an address were written straight into the database, the page would not link it.
    ClinicSettings.objects.update(consultation_link_url="javascript:window.pwned=1")
    staff_client.logout()
    soup = BeautifulSoup(staff_client.get(GUIDE_URL).content, "html.parser")
    assert_no_live_markup(str(soup))
    consultation = soup.select_one(".consultation")
    assert consultation.find("a") is None
    assert "Schedule your consultation" in consultation.get_text()

    ClinicSettings.objects.update(consultation_link_url="https://example.org/consultation")
    # A write that bypasses save() sends no signal, so the page cache cannot know; empty it by hand.
    cache.clear()
    link = BeautifulSoup(staff_client.get(GUIDE_URL).content, "html.parser").select_one(".consultation a")
    assert link["href"] == "https://example.org/consultation"


def test_markup_in_a_seed_file_is_shown_as_text(client, db, tmp_path):
    guide_file = tmp_path / "attack.yaml"
    guide_file.write_text(
        yaml.safe_dump(
            {
                "slug": "attack",
                "title": f"Title {SCRIPT}",
                "therapy_name": f"Therapy {SCRIPT}",
                "summary": f"Summary {ONERROR}",
                "introduction": [ATTACK],
                "author": "Dr. Kirk Sanford",
                "reviewed_by": "Dr. Félix Porras",
                "last_reviewed": "2025-08-26",
                "sections": [
                    {
                        "heading": f"Heading {SCRIPT}",
                        "content": [
                            {"paragraph": ATTACK},
                            {"table": {"caption": "Caption", "columns": ["A", "B"], "rows": [["Row", ONERROR]]}},
                            {"bullet_list": [{"lead": JS_LINK, "text": SCRIPT}]},
                            {"faq_item": {"question": SCRIPT, "answer": [ATTACK]}},
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    seed(guide_paths=[guide_file])
    main = assert_no_live_markup(client.get("/guides/attack/").content.decode())
    text = main.get_text()
    assert ATTACK in text and f"Heading {SCRIPT}" in text and JS_LINK in text


def test_a_seed_file_with_a_link_address_that_would_run_code_is_refused(db, tmp_path):
    site = yaml.safe_load(SITE_FILE.read_text(encoding="utf-8"))
    site["clinic"]["consultation_link_url"] = "javascript:window.pwned=1"
    bad = tmp_path / "site.yaml"
    bad.write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SeedError, match=r"clinic\.consultation_link_url: 'javascript:window.pwned=1' is not a web"):
        seed(site_path=bad)
    assert not GuidePage.objects.exists()
