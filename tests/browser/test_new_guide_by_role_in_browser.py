"""A new guide as the clinic's roles really meet it: written by an Editor, whose form has no review
fields, read by a Medical reviewer, published by a Moderator. Each signs in through the sign-in form.

The older staff tests made new guides as a superuser who fills in the review fields, so an Editor's
never-reviewed guide (whose preview answered 500) was never seen by them.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect
from wagtail.models import Collection, GroupCollectionPermission

from pages.models import GuidePage
from tests.browser.staff import (
    choose_person,
    docs_shot,
    no_problems,
    open_editor,
    open_new_guide_form,
    press_action,
    sign_in,
    staff_member,
    wait_for_autosave,
)
from tests.browser.support import shot
from tests.browser.test_staff_editing_in_browser import add_a_paragraph, start_a_guide

pytestmark = pytest.mark.browser

TITLE = "Sleeping Well Before Your Treatment"
HEADING = "Why sleep matters"


def preview_panel(page):
    page.get_by_role("button", name="Toggle preview").click()
    return page.frame_locator("iframe[title='Preview']").first


def write_a_new_guide_as_an_editor(chromium, site):
    """An Editor's new guide, credited to its author and autosaved, as the Editor left it."""
    page = sign_in(chromium, site, "ed")
    open_new_guide_form(page, site, GuidePage.objects.get().get_parent().id)
    start_a_guide(page, TITLE, HEADING)
    # The Editor's form has no review fields: a medical reviewer fills them in.
    assert page.locator("#id_last_reviewed").count() == 0 and page.locator("#id_reviewed_by").count() == 0
    choose_person(page, "author", "Dr. Kirk Sanford")
    wait_for_autosave(page)
    return page


def test_an_editors_never_reviewed_guide_previews_and_the_reviewer_can_read_it(site, chromium):
    staff_member("ed", "Editors")
    staff_member("porras", "Medical reviewers")
    page = write_a_new_guide_as_an_editor(chromium, site)
    add_a_paragraph(page, "Each paragraph of the section is written here.")
    docs_shot(page, "editor-add-a-section")  # docs/editing.md shows the Editor's own screen

    # The preview panel beside the editor.
    preview = preview_panel(page)
    # Wagtail draws each preview in a fresh iframe and swaps it in (the paragraph just typed asks
    # for one): wait for what is looked for, as a person glances again, rather than read it once.
    expect(preview.get_by_role("heading", level=1, name=TITLE)).to_be_visible(timeout=20_000)
    expect(preview.get_by_role("heading", level=2, name=HEADING)).to_be_visible()
    expect(preview.get_by_text("Not reviewed yet").first).to_be_visible()
    shot(page, "editor-previews-a-never-reviewed-guide")

    # Submitted, then "View draft" from the confirmation.
    press_action(page, "Submit to Medical review")
    page.get_by_text(f"Page '{TITLE}' has been submitted for moderation.").wait_for()
    page.get_by_role("link", name="View draft").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert no_problems(page) == []
    page.context.close()

    # The Medical reviewer's dashboard: Preview opens the guide under review in a new tab.
    reviewer = sign_in(chromium, site, "porras")
    row = reviewer.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("button", name="Actions").click()
    with reviewer.context.expect_page() as opened:
        row.get_by_role("link", name="Preview").click()
    draft = opened.value
    expect(draft.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert draft.get_by_role("heading", level=2, name=HEADING).is_visible()
    shot(draft, "reviewer-previews-a-new-guide")
    draft.close()

    # "Compare with previous version" has only draft edits to show: it points to the whole guide.
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("link", name="Compare with previous version").click()
    notice = reviewer.get_by_role("note").filter(has_text="First version of this guide")
    expect(notice).to_be_visible()
    shot(reviewer, "reviewer-compares-a-first-version")
    with reviewer.context.expect_page() as opened:
        notice.get_by_role("link", name="Preview the whole guide").click()
    expect(opened.value.get_by_role("heading", level=2, name=HEADING)).to_be_visible()
    opened.value.close()

    # So does Approve, before the reviewer decides.
    reviewer.goto(site + "/admin/")
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve").click()
    modal = reviewer.locator(".modal-dialog")
    modal.get_by_role("button", name="Approve").wait_for()
    expect(modal.get_by_role("note").filter(has_text="First version of this guide")).to_be_visible()
    shot(reviewer, "reviewer-approves-a-first-version")
    assert no_problems(reviewer) == []
    reviewer.context.close()


@pytest.mark.parametrize("block", ["Table", "Figure"])
def test_inserting_an_empty_table_or_figure_does_not_pause_autosave(site, chromium, block):
    staff_member("ed", "Editors")
    page = write_a_new_guide_as_an_editor(chromium, site)
    # The block just inserted, not filled in: a person writes the next sentence before it.
    page.locator("[data-contentpath=content]").first.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name=block, exact=True).click()
    page.locator("#id_summary").press("End")
    page.locator("#id_summary").press_sequentially(" And what to ask.")
    for _ in range(100):  # the autosave of the typing above, with the empty block in it
        latest = GuidePage.objects.get(slug="sleeping-well-before-your-treatment").get_latest_revision_as_object()
        if latest.summary.endswith("And what to ask."):
            break
        page.wait_for_timeout(200)
    shot(page, f"autosave-with-an-empty-{block.lower()}")
    indicator = page.locator("#w-autosave-indicator")
    assert latest.summary.endswith("And what to ask."), indicator.get_attribute("data-w-tooltip-content-value")
    # Wagtail says "Saved" a moment after the server has answered.
    expect(indicator).to_have_attribute("data-w-autosave-state-value", "saved")
    assert [child.block_type for child in latest.body[0].value["content"]] == [
        {"Table": "table", "Figure": "figure"}[block]
    ]
    assert no_problems(page) == []
    page.context.close()


def test_a_moderator_publishing_a_new_guide_is_told_to_submit_it_and_which_block_is_wrong(site, chromium):
    staff_member("mo", "Moderators")
    page = sign_in(chromium, site, "mo")
    open_new_guide_form(page, site, GuidePage.objects.get().get_parent().id)
    start_a_guide(page, TITLE, HEADING)
    assert page.locator("#id_last_reviewed").count() == 0  # only medical reviewers fill it in
    choose_person(page, "author", "Dr. Kirk Sanford")
    page.locator("[data-contentpath=content]").first.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Table", exact=True).click()
    wait_for_autosave(page)
    press_action(page, "Publish")

    message = page.locator(".messages")
    expect(message).to_contain_text("This guide has not been medically reviewed yet, so it cannot be published.")
    expect(message).to_contain_text("Choose “Submit to Medical review” from the menu beside Save draft")
    expect(message).to_contain_text(f"Body: Section 1 (“{HEADING}”) › Content › Table 1: ")
    expect(message).not_to_contain_text("Validation error")
    expect(message).not_to_contain_text("a last-reviewed date")
    shot(page, "moderator-publishes-a-guide-never-reviewed")
    assert not GuidePage.objects.get(slug="sleeping-well-before-your-treatment").live

    # What the message says to do works.
    page.locator("[data-contentpath=content]").first.get_by_role("button", name="Delete").first.click()
    press_action(page, "Submit to Medical review")
    page.get_by_text(f"Page '{TITLE}' has been submitted for moderation.").wait_for()
    assert GuidePage.objects.get(slug="sleeping-well-before-your-treatment").workflow_in_progress
    assert no_problems(page) == []
    page.context.close()


def approve_on_the_dashboard(page, site, title, has_a_modal):
    page.goto(site + "/admin/")
    row = page.get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()
    modal = page.locator(".modal-dialog")  # the Medical reviewers' Approve asks about the stamp first
    if has_a_modal:
        modal.get_by_role("button", name="Approve").click()


def test_approving_on_the_dashboard_says_what_happened(site, chromium):
    editor = staff_member("ed", "Editors")
    staff_member("porras", "Medical reviewers")
    staff_member("mo", "Moderators")
    guide = GuidePage.objects.get()
    guide.get_workflow().start(guide, editor)  # as "Submit to Medical review" does

    reviewer = sign_in(chromium, site, "porras")
    approve_on_the_dashboard(reviewer, site, guide.title, has_a_modal=True)
    expect(reviewer.locator(".messages")).to_contain_text(
        f"Page '{guide.title}' has been approved. It now waits for: Moderators approval."
    )
    assert no_problems(reviewer) == []
    reviewer.context.close()

    moderator = sign_in(chromium, site, "mo")
    approve_on_the_dashboard(moderator, site, guide.title, has_a_modal=False)
    expect(moderator.locator(".messages")).to_contain_text(f"Page '{guide.title}' has been approved and published.")
    shot(moderator, "moderator-approves-on-the-dashboard")
    assert not GuidePage.objects.get().workflow_in_progress
    assert no_problems(moderator) == []
    moderator.context.close()


def test_a_title_too_long_is_refused_with_its_length_never_cut(site, chromium):
    staff_member("mo", "Moderators")
    guide = GuidePage.objects.get()
    page = sign_in(chromium, site, "mo")
    open_editor(page, site, guide.id)
    long_title = ("A very long title " * 20)[:299] + "."
    page.locator("#id_title").fill(long_title)  # as pasted
    assert page.locator("#id_title").input_value() == long_title
    press_action(page, "Save draft")
    expect(page.get_by_text("Ensure this value has at most 255 characters (it has 300).")).to_be_visible()
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_title").input_value() == long_title  # nothing lost
    shot(page, "a-title-too-long")
    assert GuidePage.objects.get().get_latest_revision_as_object().title == guide.title
    page.context.close()


def test_an_editor_finds_their_abandoned_new_guide_and_deletes_it(site, chromium):
    staff_member("ed", "Editors")
    page = write_a_new_guide_as_an_editor(chromium, site)
    page.close()  # abandoned: the autosave made it a draft

    page = page.context.new_page()
    page.problems = []
    page.goto(site + "/admin/")
    # Wagtail's dashboard lists the author's own recent edits, drafts included.
    edits = page.locator("section, .panel").filter(has_text="Your most recent edits").first
    edits.get_by_role("link", name=TITLE).wait_for()
    shot(page, "editor-finds-an-abandoned-draft")
    edits.get_by_role("link", name=TITLE).click()
    page.locator("header").get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Yes, delete it").click()
    page.get_by_text(f"Page '{TITLE}' deleted.").wait_for()
    assert not GuidePage.objects.filter(slug="sleeping-well-before-your-treatment").exists()
    page.context.close()


def test_a_medical_reviewer_reads_an_editors_draft_but_is_not_offered_to_delete_or_copy_it(site, chromium):
    staff_member("ed", "Editors")
    staff_member("porras", "Medical reviewers")
    write_a_new_guide_as_an_editor(chromium, site).context.close()
    draft = GuidePage.objects.get(slug="sleeping-well-before-your-treatment")

    reviewer = sign_in(chromium, site, "porras")
    reviewer.goto(f"{site}/admin/pages/{draft.get_parent().id}/")  # the guides, as the Pages menu leads
    reviewer.get_by_role("link", name=TITLE).first.click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(TITLE)
    reviewer.locator("header").get_by_role("button", name="Actions").click()
    menu = reviewer.locator("header [data-w-dropdown-target=content]")
    expect(menu.get_by_role("link").first).to_be_visible()
    shot(reviewer, "reviewer-opens-an-editors-draft-without-delete")
    offered = [words.strip() for words in menu.get_by_role("link").all_inner_texts()]
    assert "History" in offered and "Delete" not in offered and "Copy" not in offered, offered

    reviewer.goto(f"{site}/admin/pages/{draft.id}/delete/")
    expect(reviewer.get_by_text("Sorry, you do not have permission to access this area.")).to_be_visible()
    assert GuidePage.objects.filter(pk=draft.pk).exists()
    reviewer.context.close()


def test_a_text_file_named_png_is_refused_with_one_clear_error(site, chromium, tmp_path):
    moderator = staff_member("mo", "Moderators")
    # Wagtail's own migration lets Moderators add images; a test database flushed between tests
    # has lost that, so it is given back as the migration gives it.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for codename in ("add_image", "choose_image"):
        permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=moderator.groups.get(), collection=root, permission=permission
        )
    fake = tmp_path / "clinic-photo.png"
    fake.write_text("This is a text file, not a picture.\n")
    page = sign_in(chromium, site, "mo")
    page.goto(site + "/admin/images/multiple/add/")
    page.locator("input[type=file]").set_input_files(str(fake))
    item = page.locator("#upload-list > li").first
    expect(item).to_have_class(re.compile("upload-failure"))
    shot(page, "a-text-file-named-png")
    visible = item.inner_text()
    assert "Upload a valid image. The file you uploaded was either not an image or a corrupted image." in visible
    assert "Please provide an image description" not in visible, visible
    assert no_problems(page) == []
    page.context.close()
