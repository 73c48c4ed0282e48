"""Clinic staff edit the guide in the Wagtail admin and patients see the change."""

import pytest
from bs4 import BeautifulSoup
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from pages.models import GuideIndexPage, GuidePage, HomePage
from tests.admin_forms import block_form_data
from tests.support import GUIDE_URL, visible_text


def edit_form_data(client, page):
    """The edit form as the admin renders it, with the StreamField filled in as the editor would."""
    response = client.get(f"/admin/pages/{page.id}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data["introduction"] = rich_text(page.introduction)
    data["body"] = ""
    data.update(block_form_data(page.body.stream_block, page.body, "body", {}))
    data["sources"] = ""
    data.update(block_form_data(page.sources.stream_block, page.sources, "sources", {}))
    return data


def test_staff_edit_a_paragraph_and_a_table_cell_publish_and_patients_see_it(staff_client):
    guide = GuidePage.objects.get()
    body = guide.body
    first_section = body[0].value
    first_section["content"][0].value.source = "<p>A paragraph edited in the admin.</p>"
    key_concepts = first_section["subsections"][1]["content"][1].value
    key_concepts.row_data[0]["values"][1] = "A table cell edited in the admin."

    data = edit_form_data(staff_client, guide)
    block_form_data(guide.body.stream_block, body, "body", data)
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    guide.refresh_from_db()
    assert guide.latest_revision.user.username == "staff"
    assert not guide.has_unpublished_changes
    staff_client.logout()
    text = visible_text(staff_client.get(GUIDE_URL).content.decode())
    assert "A paragraph edited in the admin." in text
    assert "At its core, NK cell therapy is a form of immunotherapy" not in text
    assert "Immune Surveillance A table cell edited in the admin." in text


def test_a_saved_draft_is_not_shown_until_published(staff_client):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    data["summary"] = "A draft summary."
    data["title"] = "A draft title"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.has_unpublished_changes
    staff_client.logout()
    html = staff_client.get(GUIDE_URL).content.decode()
    assert "A draft title" not in html
    assert "<h1>A Patient&#x27;s Guide to NK Cell Therapy</h1>" in html


def test_preview_shows_the_page_as_patients_will_see_it(staff_client):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    data["title"] = "A previewed title"
    preview_url = f"/admin/pages/{guide.id}/edit/preview/"
    response = staff_client.post(preview_url, data)
    assert response.json()["is_valid"] is True
    html = staff_client.get(preview_url).content.decode()
    assert "<h1>A previewed title</h1>" in html
    assert "Key Concepts in NK Cell Therapy" in html and "Last reviewed" in html
    # Previewing publishes nothing.
    assert "A previewed title" not in staff_client.get(GUIDE_URL).content.decode()


def test_a_table_column_without_a_heading_is_refused_with_a_message(staff_client):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    suffix = "-value-column-0-heading"
    heading_keys = [key for key in data if key.endswith(suffix) and data[key[: -len(suffix)] + "-type"] == "table"]
    assert len(heading_keys) == 2
    data[heading_keys[0]] = ""
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 200  # the form comes back with the error
    assert "Every column needs a heading." in response.content.decode()
    guide.refresh_from_db()
    assert guide.revisions.count() == 1


def test_publishing_without_a_medical_reviewer_says_which_field(staff_client):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    data["reviewed_by"] = ""
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 200
    assert "A guide needs a medical reviewer before it can be published." in response.content.decode()
    guide.refresh_from_db()
    assert guide.reviewed_by is not None and guide.revisions.count() == 1


@pytest.fixture
def library_image(db, settings, tmp_path):
    """A real image in Wagtail's library, made with Pillow."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), "#0b6e6e").save(buffer, "PNG")
    return Image.objects.create(title="Visual map photo", file=ImageFile(buffer, name="visual-map.png"))


def figure_prefix(data):
    suffix = "-illustration"
    keys = [key for key in data if key.endswith(suffix)]
    assert len(keys) == 1
    return keys[0][: -len(suffix)]


def test_editors_can_replace_the_drawing_with_an_image_that_has_alt_text(staff_client, library_image):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    prefix = figure_prefix(data)
    data[f"{prefix}-image-image"] = str(library_image.pk)
    data[f"{prefix}-image-alt_text"] = "Three panels: many NK cells, few NK cells, many NK cells again."
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 302

    staff_client.logout()
    soup = BeautifulSoup(staff_client.get(GUIDE_URL).content, "html.parser")
    figure = soup.select_one("figure")
    assert figure.select_one("img")["alt"] == "Three panels: many NK cells, few NK cells, many NK cells again."
    assert figure.select_one(".visual-map") is None
    assert figure.figcaption.get_text(" ").strip().startswith("The visual map")


@pytest.mark.parametrize("decorative", [False, True], ids=["no-alt-text", "marked-decorative"])
def test_an_image_in_a_figure_must_have_alt_text(staff_client, library_image, decorative):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    prefix = figure_prefix(data)
    data[f"{prefix}-image-image"] = str(library_image.pk)
    data[f"{prefix}-image-alt_text"] = ""
    if decorative:
        data[f"{prefix}-image-decorative"] = "on"
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    expected = (
        "An image in a guide needs alt text that says what it shows."
        if decorative
        else "Please add some alt text for your image or mark it as decorative"
    )
    assert expected in html
    guide.refresh_from_db()
    assert guide.revisions.count() == 1


@pytest.mark.parametrize("model", [HomePage, GuideIndexPage, GuidePage])
def test_every_field_a_page_type_adds_is_in_its_editor(model):
    """A field the model needs but no panel shows makes Publish fail with a 500 (as therapy_name once did)."""
    own_fields = {field.name for field in model._meta.local_concrete_fields if field.editable} - {"page_ptr"}
    form_fields = set(model.get_edit_handler().get_form_class().base_fields)
    assert own_fields <= form_fields, f"not in the editor: {sorted(own_fields - form_fields)}"


def test_a_missing_required_field_comes_back_as_a_form_error_not_a_500(staff_client):
    guide = GuidePage.objects.get()
    data = edit_form_data(staff_client, guide)
    data["therapy_name"] = ""
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.select_one("[name=therapy_name]")
    assert field.get("aria-invalid") == "true"
    assert "This field is required." in response.content.decode()
    guide.refresh_from_db()
    assert guide.therapy_name == "NK cell therapy" and guide.revisions.count() == 1


def test_the_page_drawn_for_the_preview_panel_may_be_framed_by_the_admin_only(staff_client):
    guide = GuidePage.objects.get()
    preview_url = f"/admin/pages/{guide.id}/edit/preview/"
    assert staff_client.post(preview_url, edit_form_data(staff_client, guide)).json()["is_valid"] is True
    preview = staff_client.get(preview_url)
    policy = dict(part.strip().split(" ", 1) for part in preview["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'self'"
    assert policy["script-src"] == policy["style-src"] == "'self'"  # otherwise the public policy
    public = staff_client.get(GUIDE_URL)["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in public


def test_a_person_saved_in_the_admin_takes_effect_at_once(staff_client, make_staff):
    from pages.models import Person

    reviewer, _ = make_staff("Medical reviewers", "porras")
    person = Person.objects.get(name="Dr. Félix Porras")
    url = f"/admin/snippets/pages/person/edit/{person.pk}/"
    edit = BeautifulSoup(staff_client.get(url).content, "html.parser")
    # The main button saves; there is no draft state to forget to publish.
    assert edit.select_one("form button[type=submit]").get_text(strip=True) == "Save"
    assert "Publish" not in edit.get_text()
    data = querydict_from_html(staff_client.get(url).content.decode(), form_id="w-editor-form")
    data["user"] = str(reviewer.pk)
    data["role"] = "Medical Director, changed in the admin"
    assert staff_client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.user == reviewer and person.role == "Medical Director, changed in the admin"
    staff_client.logout()
    assert "Medical Director, changed in the admin" in staff_client.get(GUIDE_URL).content.decode()


def test_a_moderator_publishing_an_unreviewed_guide_is_told_to_submit_it_and_which_block_is_wrong(make_staff, guide):
    """A Moderator's form has no review fields, so the refusal says what to do instead of naming
    them; and a wrong block is named by its place and heading, not as "Validation error in StreamBlock"."""
    GuidePage.objects.filter(pk=guide.pk).update(reviewed_by=None, last_reviewed=None)
    _, moderator = make_staff("Moderators")
    data = edit_form_data(moderator, guide)
    suffix = "-value-column-0-heading"
    heading_keys = [key for key in data if key.endswith(suffix) and data[key[: -len(suffix)] + "-type"] == "table"]
    data[heading_keys[0]] = ""
    data["action-publish"] = "action-publish"
    response = moderator.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 200
    message = visible_text(response.content.decode(), ".messages")
    assert "has not been medically reviewed yet, so it cannot be published." in message
    # (visible_text writes quotation marks straight)
    assert 'Choose "Submit to Medical review" from the menu beside Save draft' in message
    assert "medical reviewer before" not in message and "last-reviewed date" not in message
    assert "Validation error" not in message
    section = guide.body[0].value
    place = (
        f'Section 1 ("{section["heading"]}") › Subsections › Subsection 2 ("{section["subsections"][1]["heading"]}")'
    )
    assert f"Body: {place} › Content › Table 2: Every column needs a heading." in message
    assert "Every column needs a heading." in message
    assert GuidePage.objects.get().revisions.count() == 1
