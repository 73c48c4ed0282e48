"""Every journey clinic staff take in the admin, walked in Chromium as they walk it.

Django's test client once passed every test while staff could not publish a new guide, the first
Publish after an autosave was refused and the preview panel was blank: only the real editor, its
JavaScript, autosave and preview show those. Each test signs in through the sign-in form.
"""

import pytest
from django.utils import timezone

from pages.models import GuidePage
from tests.browser.staff import (
    SCREENSHOTS,
    choose_person,
    no_problems,
    press_action,
    sign_in,
    staff_member,
    type_into_rich_text,
    wait_for_autosave,
)

pytestmark = pytest.mark.browser


def test_the_site_administrator_creates_a_guide_from_scratch_and_publishes_it(site, chromium):
    # Only an administrator holds every role at once; other staff take a new guide through the
    # Medical review workflow (test_an_editor_submits_a_guide_to_medical_review_first_time).
    staff_member("admin", superuser=True)
    page = sign_in(chromium, site, "admin")
    page.goto(f"{site}/admin/pages/{GuidePage.objects.get().get_parent().id}/")  # Pages → All guides
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url("**/admin/pages/add/pages/guidepage/**")

    page.locator("#id_title").press_sequentially("Preparing for Your Consultation")
    page.keyboard.press("Tab")
    page.locator("#id_summary").fill("What to bring and what to ask.")
    page.locator("#id_therapy_name").fill("Consultation")
    type_into_rich_text(page.locator("#id_introduction").locator("..").locator("[contenteditable=true]"), "Welcome.")

    # Add a section: its heading, then a paragraph in it.
    page.locator("[data-contentpath=body]").locator("button.c-sf-add-button").first.click()
    page.keyboard.type("What to bring")
    page.locator("[data-contentpath=content]").first.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Paragraph").click()
    paragraph = page.locator("[data-contentpath=content]").first.locator("[contenteditable=true]").first
    type_into_rich_text(paragraph, "Bring a list of the medicines you take.")
    paragraph.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "editor-add-a-section.png")

    choose_person(page, "author", "Dr. Kirk Sanford")
    choose_person(page, "reviewed_by", "Dr. Félix Porras")
    page.locator("#id_last_reviewed").fill(timezone.localdate().isoformat())
    page.keyboard.press("Escape")
    wait_for_autosave(page)  # the first autosave creates the page as a draft
    press_action(page, "Publish")

    page.get_by_text("Page 'Preparing for Your Consultation' has been published.").wait_for()
    assert no_problems(page) == []
    page.goto(site + "/guides/preparing-for-your-consultation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Preparing for Your Consultation"
    assert page.get_by_role("heading", level=2, name="What to bring").is_visible()
    assert page.get_by_text("Bring a list of the medicines you take.").is_visible()
    page.context.close()


def fill_in_a_whole_new_guide(page, site, title):
    page.goto(f"{site}/admin/pages/add/pages/guidepage/{GuidePage.objects.get().get_parent().id}/")
    page.locator("#id_title").press_sequentially(title)
    page.keyboard.press("Tab")
    page.locator("#id_summary").fill("A summary.")
    page.locator("#id_therapy_name").fill("A therapy")
    type_into_rich_text(page.locator("#id_introduction").locator("..").locator("[contenteditable=true]"), "Hello.")
    page.locator("[data-contentpath=body]").locator("button.c-sf-add-button").first.click()
    page.keyboard.type("A section")
    choose_person(page, "author", "Dr. Kirk Sanford")
    choose_person(page, "reviewed_by", "Dr. Félix Porras")
    page.locator("#id_last_reviewed").fill(timezone.localdate().isoformat())
    page.keyboard.press("Escape")


def test_publish_pressed_while_the_first_autosave_is_creating_the_page_publishes_it_once(site, chromium):
    """Publish pressed a moment after typing: the autosave has made the page, but its answer, which
    switches the editor to the new page's address, has not reached the browser yet."""
    staff_member("admin", superuser=True)
    page = sign_in(chromium, site, "admin")
    held = []

    def hold_the_autosaves_answer(route):
        if "application/json" not in route.request.headers.get("accept", ""):
            route.continue_()  # the Publish itself goes through untouched
            return
        held.append((route, route.fetch()))  # the server has created the page

    page.route("**/admin/pages/add/**", hold_the_autosaves_answer)
    fill_in_a_whole_new_guide(page, site, "Published in a hurry")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the autosave did not create the page"
    assert GuidePage.objects.filter(slug="published-in-a-hurry", live=False).count() == 1
    press_action(page, "Publish")
    page.get_by_text("Page 'Published in a hurry' has been published.").wait_for()
    assert GuidePage.objects.filter(slug="published-in-a-hurry").count() == 1
    assert GuidePage.objects.get(slug="published-in-a-hurry").live
    page.context.close()


def test_a_new_guide_missing_its_therapy_name_comes_back_with_the_field_named(site, chromium):
    staff_member("mo", "Moderators")
    page = sign_in(chromium, site, "mo")
    index = GuidePage.objects.get().get_parent()
    page.goto(f"{site}/admin/pages/add/pages/guidepage/{index.id}/")
    page.locator("#id_title").press_sequentially("A guide without a therapy")
    page.keyboard.press("Tab")
    press_action(page, "Publish")
    page.get_by_text("The page could not be created due to validation errors.").wait_for()
    therapy = page.locator("#id_therapy_name")
    assert therapy.get_attribute("aria-invalid") == "true"
    field = page.locator("[data-field-wrapper]").filter(has=therapy)
    assert field.get_by_text("This field is required.").is_visible()
    page.context.close()
