"""A page-cache miss is cheap: routing, settings and the guide's body are kept, and never shown stale."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.test import Client, override_settings
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from delivery import cache, fragments
from pages.models import GuidePage
from tests.admin_forms import block_form_data
from tests.support import GUIDE_URL
from tests.test_admin_editing import edit_form_data

# What a miss costs once everything it looks up is kept: the guide with its people, the clinic's
# contact details and anything a page type adds. Wagtail's own walk costs nine.
KEPT_MISS_QUERIES = 3


@pytest.fixture
def reader_the_page_cache_skips():
    """A session cookie that signs nobody in: the page cache neither serves nor stores for it,
    as for an editor reading a live page."""
    client = Client()
    client.cookies["sessionid"] = "signs-nobody-in"
    return client


def test_a_second_miss_costs_a_few_queries_and_gives_the_same_page(
    reader_the_page_cache_skips, seeded, django_assert_max_num_queries
):
    first = reader_the_page_cache_skips.get(GUIDE_URL)
    assert first.status_code == 200 and "X-Page-Cache" not in first
    with django_assert_max_num_queries(KEPT_MISS_QUERIES):
        second = reader_the_page_cache_skips.get(GUIDE_URL)
    assert second.content == first.content


def test_the_kept_body_is_the_body_drawn_from_the_database(reader_the_page_cache_skips, guide, rf):
    kept = reader_the_page_cache_skips.get(GUIDE_URL).content
    drawn = "".join(block.render_as_block() for block in guide.body)
    assert drawn in kept.decode()


def change_first_paragraph(guide, text):
    guide.body[0].value["content"][0].value.source = f"<p>{text}</p>"
    guide.save_revision().publish()


def test_a_publish_shows_its_new_body_at_once_to_readers_the_page_cache_skips(reader_the_page_cache_skips, guide):
    assert "A newly published paragraph." not in reader_the_page_cache_skips.get(GUIDE_URL).content.decode()
    change_first_paragraph(guide, "A newly published paragraph.")
    assert "A newly published paragraph." in reader_the_page_cache_skips.get(GUIDE_URL).content.decode()


def test_a_preview_shows_the_draft_body_never_the_kept_one(reader_the_page_cache_skips, guide):
    reader_the_page_cache_skips.get(GUIDE_URL)  # the live body is now kept
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    editor = Client()
    editor.force_login(staff)
    guide.body[0].value["content"][0].value.source = "<p>A paragraph only in the draft.</p>"
    data = edit_form_data(editor, guide)
    block_form_data(guide.body.stream_block, guide.body, "body", data)
    preview_url = f"/admin/pages/{guide.id}/edit/preview/"
    assert editor.post(preview_url, data).json()["is_valid"] is True
    assert "A paragraph only in the draft." in editor.get(preview_url).content.decode()
    assert "A paragraph only in the draft." not in reader_the_page_cache_skips.get(GUIDE_URL).content.decode()


def test_saving_any_image_retires_every_kept_body(reader_the_page_cache_skips, guide, monkeypatch):
    drawn = []
    work_out = fragments._work_out
    monkeypatch.setattr(fragments, "_work_out", lambda page: drawn.append(page.pk) or work_out(page))
    reader_the_page_cache_skips.get(GUIDE_URL)
    reader_the_page_cache_skips.get(GUIDE_URL)
    assert drawn == [guide.pk]  # drawn once, then kept

    picture = io.BytesIO()
    PillowImage.new("RGB", (40, 30), "white").save(picture, "PNG")
    get_image_model().objects.create(title="A photo", file=ImageFile(picture, name="photo.png"))
    reader_the_page_cache_skips.get(GUIDE_URL)
    assert drawn == [guide.pk, guide.pk]  # a figure could show it: drawn again


def test_a_change_to_any_template_our_code_or_a_stylesheet_changes_the_key(tmp_path, settings):
    for folder in ("templates/blocks", "pages", "consultations/templates/consultations", "static/css"):
        (tmp_path / folder).mkdir(parents=True)
    files = {
        "template": tmp_path / "templates" / "blocks" / "paragraph.html",
        "code": tmp_path / "pages" / "blocks.py",
        "app template": tmp_path / "consultations" / "templates" / "consultations" / "form.html",
        "app code": tmp_path / "consultations" / "views.py",
        "stylesheet": tmp_path / "static" / "css" / "site.css",
    }
    for path in files.values():
        path.write_text("one")
    with override_settings(BASE_DIR=tmp_path):
        versions = {"before": cache.site_version()}
        for name, path in files.items():
            path.write_text("two")
            versions[name] = cache.site_version()
    assert len(set(versions.values())) == len(versions), versions


def test_a_renamed_guide_is_found_at_its_new_address_at_once(reader_the_page_cache_skips, guide):
    assert reader_the_page_cache_skips.get(GUIDE_URL).status_code == 200
    guide.slug = "nk-cells"
    guide.save_revision().publish()
    assert reader_the_page_cache_skips.get(GUIDE_URL).status_code == 404
    assert reader_the_page_cache_skips.get("/guides/nk-cells/").status_code == 200


def test_a_guide_made_private_asks_for_its_password_at_once(reader_the_page_cache_skips, guide):
    assert reader_the_page_cache_skips.get(GUIDE_URL).status_code == 200
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.PASSWORD, password="x")
    response = reader_the_page_cache_skips.get(GUIDE_URL)
    assert response.status_code == 200 and b'name="password"' in response.content
    assert b"Key Concepts in NK Cell Therapy" not in response.content


def test_an_unpublished_guide_is_gone_at_once(reader_the_page_cache_skips, guide):
    assert reader_the_page_cache_skips.get(GUIDE_URL).status_code == 200
    GuidePage.objects.get(pk=guide.pk).unpublish()
    assert reader_the_page_cache_skips.get(GUIDE_URL).status_code == 404
