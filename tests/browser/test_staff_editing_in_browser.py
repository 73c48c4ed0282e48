"""Every journey clinic staff take in the admin, walked in Chromium as they walk it.

Django's test client once passed every test while staff could not publish a new guide, the first
Publish after an autosave was refused and the preview panel was blank: only the real editor, its
JavaScript, autosave and preview show those. Each test signs in through the sign-in form.
"""

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date
from playwright.sync_api import expect

from pages.models import GuidePage, Person
from tests.browser.staff import (
    choose_person,
    docs_shot,
    no_problems,
    open_editor,
    open_new_guide_form,
    press_action,
    retype,
    sign_in,
    staff_member,
    type_into_rich_text,
    wait_for_autosave,
    wait_until_ready_for_typing,
)
from tests.support import GUIDE_URL

pytestmark = pytest.mark.browser


def test_the_site_administrator_creates_a_guide_from_scratch_and_publishes_it(site, chromium):
    # Only an administrator holds every role at once; other staff take a new guide through the
    # Medical review workflow (test_an_editor_submits_a_guide_to_medical_review_first_time).
    staff_member("admin", superuser=True)
    page = sign_in(chromium, site, "admin")
    page.goto(f"{site}/admin/pages/{GuidePage.objects.get().get_parent().id}/")  # Pages → All guides
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url("**/admin/pages/add/pages/guidepage/**")
    wait_until_ready_for_typing(page)

    start_a_guide(page, "Preparing for Your Consultation", "What to bring")
    add_a_paragraph(page, "Bring a list of the medicines you take.")

    credit_the_guide(page)
    wait_for_autosave(page)  # the first autosave creates the page as a draft
    press_action(page, "Publish")

    page.get_by_text("Page 'Preparing for Your Consultation' has been published.").wait_for()
    assert no_problems(page) == []
    page.goto(site + "/guides/preparing-for-your-consultation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Preparing for Your Consultation"
    assert page.get_by_role("heading", level=2, name="What to bring").is_visible()
    assert page.get_by_text("Bring a list of the medicines you take.").is_visible()
    page.context.close()


def start_a_guide(page, title, section_heading):
    """In a new guide's editor: its title, summary, therapy, introduction, and a first section."""
    page.locator("#id_title").press_sequentially(title)
    page.keyboard.press("Tab")  # Wagtail makes the slug from the title
    page.locator("#id_summary").fill("What to bring and what to ask.")
    page.locator("#id_therapy_name").fill("Consultation")
    type_into_rich_text(page.locator("#id_introduction").locator("..").locator("[contenteditable=true]"), "Welcome.")
    page.locator("[data-contentpath=body]").locator("button.c-sf-add-button").first.click()
    # Wagtail puts the cursor in the new section's heading; a person looks for it before typing
    # (typing at once on a busy machine lost the first letters before the field had the cursor).
    heading = page.locator("[data-contentpath=body] [data-contentpath=heading] input").first
    expect(heading).to_be_focused()
    heading.press_sequentially(section_heading)
    expect(heading).to_have_value(section_heading)


def add_a_paragraph(page, text):
    """A paragraph in the first section, through the section's own + button."""
    page.locator("[data-contentpath=content]").first.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Paragraph").click()
    paragraph = page.locator("[data-contentpath=content]").first.locator("[contenteditable=true]").first
    type_into_rich_text(paragraph, text)
    paragraph.scroll_into_view_if_needed()


def credit_the_guide(page):
    """Author, medical reviewer and last-reviewed date: what publishing a guide needs."""
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
    open_new_guide_form(page, site, GuidePage.objects.get().get_parent().id)
    start_a_guide(page, "Published in a hurry", "A section")
    credit_the_guide(page)
    for tick in range(300):  # Wagtail autosaves a moment after typing stops; a busy machine is slower
        if held:
            break
        if tick and tick % 50 == 0:
            # Not saved yet: the person goes on typing, as one would, which asks for an autosave again.
            page.locator("#id_summary").press("End")
            page.locator("#id_summary").press_sequentially(".")
        page.wait_for_timeout(100)
    assert held, "the autosave did not create the page"
    assert GuidePage.objects.filter(slug="published-in-a-hurry", live=False).count() == 1
    press_action(page, "Publish")
    # The Publish waits for the autosave (test below); its answer arrives late, as on a slow line.
    page.wait_for_timeout(1_000)
    route, response = held[0]
    route.fulfill(response=response)
    page.get_by_text("Page 'Published in a hurry' has been published.").wait_for()
    assert GuidePage.objects.filter(slug="published-in-a-hurry").count() == 1
    assert GuidePage.objects.get(slug="published-in-a-hurry").live
    page.context.close()


def test_no_autosave_is_sent_once_publish_is_pressed(site, chromium):
    """A change made a moment before Publish is in the form Publish sends. Wagtail's autosave of that
    change, due half a second later, went out while the Publish was on its way, and the server refused
    it as older than the version just published: a 400 and a console error behind every quick Publish."""
    staff_member("mo", "Moderators")
    guide = GuidePage.objects.get()
    page = sign_in(chromium, site, "mo")
    open_editor(page, site, guide.id)
    autosaves = []

    def hold_the_publish(route):
        if "application/json" in route.request.headers.get("accept", ""):
            autosaves.append(route.request.url)
            route.continue_()
            return
        # The Publish, held on its way for longer than autosave waits after a change.
        page.wait_for_timeout(3_000)
        route.continue_()

    page.route(f"**/admin/pages/{guide.id}/edit/", hold_the_publish)
    page.locator("#id_summary").press("Control+End")
    page.locator("#id_summary").press_sequentially(" Published at once.")
    press_action(page, "Publish")
    page.get_by_text(f"Page '{guide.title}' has been published.").wait_for()
    assert autosaves == []
    assert GuidePage.objects.get().summary.endswith(" Published at once.")
    assert no_problems(page) == []
    page.context.close()


def test_publish_pressed_while_an_autosave_is_on_its_way_waits_for_it_then_goes(site, chromium):
    """An autosave already sent when Publish is pressed could be written after the Publish (the
    server checks for a newer version, then writes): refused as older (a 400), or, when the two
    overlap, taken for a newer version, which the reloaded editor then asks about before the next
    Publish. Found once under load, scheduling a change. So the Publish waits for it to land."""
    staff_member("mo", "Moderators")
    guide = GuidePage.objects.get()
    page = sign_in(chromium, site, "mo")
    open_editor(page, site, guide.id)
    held_autosaves, publishes = [], []

    def hold_autosaves(route):
        if "application/json" in route.request.headers.get("accept", ""):
            held_autosaves.append(route)  # on its way, not yet at the server
            return
        publishes.append(route.request.url)
        route.continue_()

    page.route(f"**/admin/pages/{guide.id}/edit/", hold_autosaves)
    page.locator("#id_summary").press("Control+End")
    page.locator("#id_summary").press_sequentially(" Saved before publishing.")
    for _ in range(300):  # Wagtail autosaves a moment after typing stops; a busy machine is slower
        if held_autosaves:
            break
        page.wait_for_timeout(100)
    assert len(held_autosaves) == 1, "no autosave was sent"
    press_action(page, "Publish")
    page.wait_for_timeout(1_000)
    assert publishes == [], "Publish went while the autosave was still on its way"

    held_autosaves[0].continue_()
    page.get_by_text(f"Page '{guide.title}' has been published.").wait_for()
    assert len(publishes) == 1 and len(held_autosaves) == 1
    guide.refresh_from_db()
    assert guide.summary.endswith(" Saved before publishing.") and not guide.has_unpublished_changes
    assert no_problems(page) == []
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


def test_a_moderator_edits_a_paragraph_and_a_table_cell_lets_autosave_happen_and_publishes_once(site, chromium):
    staff_member("mo", "Moderators")
    guide = GuidePage.objects.get()
    page = sign_in(chromium, site, "mo")
    open_editor(page, site, guide.id)

    first_paragraph = page.locator("[data-contentpath=body] [data-contentpath=content] [contenteditable=true]").first
    type_into_rich_text(first_paragraph, " A sentence added in the browser.")
    # A description cell is a multi-line box that shows its whole sentence.
    cells = page.locator("[data-contentpath=body] textarea")
    # A textarea's words are its value, which text locators do not read.
    index = cells.evaluate_all("cells => cells.findIndex(c => c.value.startsWith('The natural process where NK'))")
    cell = cells.nth(index)
    assert cell.evaluate("c => c.tagName") == "TEXTAREA"
    assert cell.evaluate("c => c.scrollHeight <= c.clientHeight + 2"), "the cell hides part of its text"
    assert cell.bounding_box()["width"] >= 250
    cell.click()
    cell.press("Control+a")
    cell.press_sequentially("A description edited in the browser, long enough to need two lines in its cell.")
    cell.scroll_into_view_if_needed()
    docs_shot(page, "editor-edit-a-table")

    wait_for_autosave(page)
    press_action(page, "Publish")
    page.get_by_text(f"Page '{guide.title}' has been published.").wait_for()
    assert page.get_by_text("saved a newer version").count() == 0
    assert no_problems(page) == []

    page.goto(site + GUIDE_URL)
    assert page.get_by_text("A sentence added in the browser.").is_visible()
    cell = page.locator("td", has_text="A description edited in the browser")
    assert cell.count() == 1
    page.context.close()


def test_the_preview_panel_shows_the_guide_as_patients_will_see_it(site, chromium):
    staff_member("mo", "Moderators")
    guide = GuidePage.objects.get()
    page = sign_in(chromium, site, "mo")
    open_editor(page, site, guide.id)
    page.locator("#id_title").fill("A title seen in the preview")
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("iframe[title='Preview']").first
    # Wagtail draws each preview in a fresh iframe and swaps it in, so the old one may still be
    # there for a moment: wait for the headings rather than read them once.
    expect(preview.get_by_role("heading", level=1, name="A title seen in the preview")).to_be_visible(timeout=20_000)
    expect(preview.get_by_role("heading", level=2, name="Understanding How NK Cell Therapy Works")).to_be_visible()
    docs_shot(page, "editor-preview")
    assert no_problems(page) == []
    page.context.close()


def test_two_people_edit_at_once_and_the_second_is_told_with_nothing_lost(site, chromium):
    staff_member("amira", "Moderators", first_name="Amira")
    staff_member("ben", "Moderators", first_name="Ben")
    guide = GuidePage.objects.get()
    amira, ben = sign_in(chromium, site, "amira"), sign_in(chromium, site, "ben")
    for person in (amira, ben):
        open_editor(person, site, guide.id)

    retype(amira.locator("#id_summary"), "Amira's summary, published first.")
    wait_for_autosave(amira)
    press_action(amira, "Publish")
    amira.get_by_text(f"Page '{guide.title}' has been published.").wait_for()

    retype(ben.locator("#id_summary"), "Ben's summary, typed meanwhile.")
    press_action(ben, "Publish")
    # Wagtail's own notice (it needs JavaScript) names Amira and asks before overwriting; it learns
    # of her version from a check it makes every few seconds, so it may not have heard yet...
    notice = ben.get_by_role("dialog").filter(has_text="Amira saved a new version")
    refusal = ben.get_by_text("Amira saved a newer version of this page")
    notice.or_(refusal).first.wait_for()
    if notice.is_visible():
        notice.get_by_role("button", name="Publish").click()
    # ...and either way the server refuses, as it does without JavaScript, keeping what Ben typed.
    refusal.wait_for()
    assert ben.get_by_text(
        "Nothing was saved, so their changes are safe, and what you typed is still here."
    ).is_visible()
    assert ben.locator("#id_summary").input_value() == "Ben's summary, typed meanwhile."
    guide.refresh_from_db()
    assert guide.summary == "Amira's summary, published first."

    # Having been told, Ben can still publish his version on purpose; Amira's stays in the history.
    press_action(ben, "Publish")
    if notice.is_visible():
        notice.get_by_role("button", name="Publish").click()
    ben.get_by_text(f"Page '{guide.title}' has been published.").wait_for()
    guide.refresh_from_db()
    assert guide.summary == "Ben's summary, typed meanwhile."
    summaries = [revision.content["summary"] for revision in guide.revisions.order_by("created_at")]
    assert "Amira's summary, published first." in summaries
    for person in (amira, ben):
        person.context.close()


def test_a_colleague_who_only_opens_the_editor_saves_nothing(site, chromium):
    """Opening a guide is not an edit: no revision of the reader's own blocks a colleague's autosave.

    On a busy computer a widget may finish drawing after Wagtail's starting snapshot of the form,
    and Wagtail then took the settled form for an edit and autosaved it. Here a field changes with
    nobody typing, as such a late widget's does; the autosave that follows must be cancelled.
    """
    staff_member("ben", "Moderators")
    guide = GuidePage.objects.get()
    revisions_before = guide.revisions.count()
    page = sign_in(chromium, site, "ben")
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    open_editor(page, site, guide.id)
    page.evaluate("""() => {
        window.__autosaves = [];
        document.addEventListener("w-autosave:save", (event) => window.__autosaves.push(event.defaultPrevented));
        const summary = document.querySelector("#id_summary");
        summary.value = summary.value + " ";
    }""")
    page.wait_for_function("() => window.__autosaves.length > 0", timeout=20_000)
    assert all(page.evaluate("window.__autosaves"))  # asked for, and each cancelled
    assert [url for url in sent if "/edit/" in url] == []
    assert guide.revisions.count() == revisions_before

    # What the person really types is still autosaved.
    retype(page.locator("#id_summary"), "Ben's own words.")
    wait_for_autosave(page)
    assert guide.revisions.count() == revisions_before + 1
    guide.refresh_from_db()
    assert guide.get_latest_revision_as_object().summary == "Ben's own words."
    assert no_problems(page) == []
    page.context.close()


def test_an_editor_submits_a_guide_to_medical_review_first_time(site, chromium):
    staff_member("ed", "Editors")
    guide = GuidePage.objects.get()
    page = sign_in(chromium, site, "ed")
    open_editor(page, site, guide.id)
    retype(page.locator("#id_summary"), "A summary an editor changed, for the reviewers.")
    wait_for_autosave(page)
    press_action(page, "Submit to Medical review")
    page.get_by_text(f"Page '{guide.title}' has been submitted for moderation.").wait_for()
    guide.refresh_from_db()
    assert guide.workflow_in_progress
    assert guide.get_latest_revision_as_object().summary == "A summary an editor changed, for the reviewers."
    assert no_problems(page) == []
    page.context.close()


def test_linking_a_reviewers_account_on_their_people_record_takes_effect_on_save(site, chromium):
    staff_member("admin", superuser=True)
    staff_member("porras", "Medical reviewers")
    guide = GuidePage.objects.get()
    admin = sign_in(chromium, site, "admin")
    admin.get_by_role("link", name="People").click()
    admin.get_by_role("link", name="Dr. Félix Porras").click()
    admin.get_by_role("combobox", name="Admin account").select_option(label="porras")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.get_by_text("'Dr. Félix Porras, MD' updated.").wait_for()
    assert Person.objects.get(name="Dr. Félix Porras").user.username == "porras"

    # The reviewer can now mark the guide as reviewed, at once: there is nothing to publish first.
    reviewer = sign_in(chromium, site, "porras")
    open_editor(reviewer, site, guide.id)
    action = reviewer.get_by_role("link", name="Mark as reviewed")
    if not action.is_visible():
        reviewer.locator("footer").get_by_role("button", name="More actions").click()
    action.click()
    reviewer.get_by_role("button", name="Mark as reviewed").click()
    reviewer.get_by_text("is marked as medically reviewed today and published").wait_for()
    reviewer.goto(site + GUIDE_URL)
    # In the guide's credits (a printout's header carries today's date too, hidden on screen).
    assert reviewer.locator(".guide-credits").get_by_text(format_date(timezone.localdate(), "j F Y")).is_visible()
    for page in (admin, reviewer):
        page.context.close()


def test_deleting_a_person_named_on_a_guide_is_refused_with_a_message(site, chromium):
    staff_member("admin", superuser=True)
    page = sign_in(chromium, site, "admin")
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Dr. Kirk Sanford").click()
    page.locator("header").get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Delete").click()
    page.get_by_text("One or more references to this person prevent it from being deleted.").wait_for()
    assert page.get_by_role("button", name="Yes, delete").count() == 0
    assert Person.objects.filter(name="Dr. Kirk Sanford").exists()
    page.context.close()


def test_signed_in_staff_get_the_editing_bar_on_public_pages_and_readers_never_do(site, chromium):
    staff_member("mo", "Moderators")
    reader = chromium.new_context().new_page()
    for _ in range(2):
        response = reader.goto(site + GUIDE_URL)
    assert response.headers.get("x-page-cache") == "hit"
    assert reader.locator("wagtail-userbar").count() == 0

    page = sign_in(chromium, site, "mo")
    response = page.goto(site + GUIDE_URL)
    assert response.headers.get("x-page-cache") != "hit"
    # Its accessibility checker runs under the public page's security policy and finds nothing.
    page.get_by_role("button", name="View Wagtail quick actions").click()
    page.get_by_role("menuitem", name="Issues found").click()
    checker = page.get_by_role("dialog").filter(has_text="Issues found")
    checker.wait_for()
    assert checker.get_by_text("0", exact=True).first.is_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="View Wagtail quick actions").click()
    page.get_by_role("menuitem", name="Edit this page").click()
    page.wait_for_url(f"{site}/admin/pages/{GuidePage.objects.get().id}/edit/")
    assert no_problems(page) == []  # the bar broke nothing, and the page's security policy allowed it

    # What readers get from the cache still has no bar.
    response = reader.goto(site + GUIDE_URL)
    assert response.headers.get("x-page-cache") == "hit"
    assert reader.locator("wagtail-userbar").count() == 0
    reader.context.close()
    page.context.close()


def test_approving_in_the_editor_stops_autosave_before_the_form_goes(site, chromium):
    """Wagtail's own script sends Approve: it adds hidden inputs to the form with its
    `_addHiddenInput`, then submits through jQuery, which fires no submit event. An autosave still
    due then reached the server after the approval and was refused (400). Here the script's first
    step is taken alone, so the test reads the editor before anything is sent."""
    reviewer = staff_member("rita", "Medical reviewers")
    guide = GuidePage.objects.get()
    guide.save_revision(user=reviewer)
    guide.get_workflow().start(guide, reviewer)
    page = sign_in(chromium, site, "rita")
    open_editor(page, site, guide.id)
    autosave_is_on = """() => window.wagtail.app.getControllerForElementAndIdentifier(
        document.querySelector("form[data-edit-form]"), "w-autosave").activeValue"""
    assert page.evaluate(autosave_is_on) is True
    page.evaluate("""() => window._addHiddenInput(
        document.querySelector("form[data-edit-form]"), "action-workflow-action", "true")""")
    page.wait_for_function(f"() => !({autosave_is_on})()", timeout=5_000)

    # And the real thing: Approve, confirmed, goes through with no refused autosave behind it.
    open_editor(page, site, guide.id)
    press_action(page, "Approve")
    page.locator(".modal-dialog").get_by_role("button", name="Approve").click()
    page.get_by_text(f"Page '{guide.title}' has been approved").first.wait_for()
    assert no_problems(page) == []
    page.context.close()
