"""Every staff role × every journey the admin lets that role take, walked in Chromium.

Roles are the groups made by pages/roles.py (Editors, Medical reviewers, Moderators) and
consultations/roles.py (Patient coordinators); the site administrator is a superuser. Each person
signs in through the sign-in form, then with the code from their authenticator app where the site
asks for one (whoever sees patients' details: coordinators and the administrator; the second factor
is on here, as in production). Every test ends with no console error and no 4xx/5xx answer to the
admin's own requests (tests/browser/staff.py, `no_problems`), and takes screenshots at its key steps
(tests/browser/support.py, `shot`, kept under the test run's media folder).

| journey                     | Editor   | Moderator  | Medical reviewer | Patient coordinator | site administrator |
| --------------------------- | -------- | ---------- | ---------------- | ------------------- | ------------------ |
| create a guide, every block | A        | B          | no (1)           | no (2)              | C                  |
| edit                        | s1, p1   | s2         | D                | no (2)              | E                  |
| preview                     | A, n1    | B, s3      | n1               | no (2)              | C                  |
| submit to Medical review    | A, s1    | B, n2      | D                | no (2)              | E                  |
| approve (workflow step)     | no (3)   | A, n3      | A, D, n3         | no (2)              | E (both steps)     |
| mark as reviewed            | no (4)   | no (4)     | A, m1, m2        | no (2)              | F                  |
| schedule, goes live         | no (5)   | G          | no (5)           | no (2)              | G                  |
| unpublish                   | no (5)   | H          | no (5)           | no (2)              | H                  |
| handle a consultation req.  | no, J c2 | no, J      | no, J            | c1, c3              | I                  |
| read each report            | J        | J, r1, g1  | J                | J                   | J                  |

This file: A test_an_editors_guide_with_every_block_type_is_submitted_reviewed_approved_and_read (Editor
writes and previews every block type and submits; the reviewer approves and marks it reviewed in one step;
the Moderator's approval publishes; an anonymous reader sees every block). B
test_a_moderator_writes_a_guide_with_every_block_type_and_submits_it. C
test_the_administrator_writes_a_guide_with_every_block_type_and_publishes_it. D
test_a_medical_reviewer_corrects_a_guide_submits_it_and_approves_it_in_the_editor. E
test_the_administrator_edits_a_guide_submits_it_and_approves_both_steps. F
test_the_administrator_who_is_also_a_medical_reviewer_marks_a_guide_reviewed. G
test_changes_staff_schedule_reach_anonymous_readers_at_go_live_under_make_run (make run's own runserver and
scheduler processes). H test_unpublishing_a_guide_takes_it_away_from_anonymous_readers[role] (the reader
gets 404). I test_the_administrator_handles_a_consultation_request. J
test_each_role_reads_the_reports_it_may_and_is_refused_the_others[role].

Elsewhere: s1 test_staff_editing_in_browser::test_an_editor_submits_a_guide_to_medical_review_first_time;
s2 ::test_a_moderator_edits_a_paragraph_and_a_table_cell_lets_autosave_happen_and_publishes_once;
s3 ::test_the_preview_panel_shows_the_guide_as_patients_will_see_it. p1
test_plain_language_in_browser::test_an_editor_sees_the_reading_levels_under_the_body. n1
test_new_guide_by_role_in_browser::test_an_editors_never_reviewed_guide_previews_and_the_reviewer_can_read_it
("View draft"; the reviewer's Preview and Compare); n2
::test_a_moderator_publishing_a_new_guide_is_told_to_submit_it_and_which_block_is_wrong; n3
::test_approving_on_the_dashboard_says_what_happened. m1
test_mark_reviewed_in_browser::test_a_medical_reviewer_marks_the_guide_reviewed_and_patients_see_today;
m2 test_review_changes_in_browser::test_a_reviewer_sees_the_changes_and_the_feedback_then_stamps. r1
test_review_reminders_in_browser::test_a_moderator_sends_review_reminders_from_the_medical_review_report. g1
impact/tests/test_counting_in_browser.py::test_a_moderator_reads_the_guide_impact_report_and_its_charts. c1
consultations/tests/test_in_browser.py::test_a_coordinator_finds_a_request_marks_it_contacted_adds_a_note_and_exports
(signs in with the second factor); c2 ::test_an_editor_cannot_reach_consultation_requests; c3
consultations/tests/test_second_factor_in_browser.py (setting up the app, new recovery codes, an
administrator resetting a colleague's lost phone).

Not allowed, as the admin really has it: (1) Medical reviewers hold "change" only, no "add"; (2)
coordinators hold no page permission at all: no Pages, and of the Reports only Guide impact (totals); (3) Editors are in neither
task's group, so nothing waits for their approval; (4) "Mark as reviewed" needs
pages.mark_guide_reviewed, which only Medical reviewers (and superusers) hold, and a People record
linked to the account (a Spanish guide: Medical reviewers (Spanish), walked with the Translator in
test_translation_journey_in_browser); (5) unpublishing, and making a "Go live at" take effect ("Schedule to
publish"), need "publish"; anyone who may edit can fill in the schedule dialog, which says that only
those who may publish make it take effect.

Reports (J): read = opened from the menu, heading and a real row read; refused = not in the menu, and
its address sends them to the dashboard with "Sorry, you do not have permission to access this area."

| report                | Editor   | Moderator | Medical reviewer | Patient coordinator   | administrator |
| --------------------- | -------- | --------- | ---------------- | --------------------- | ------------- |
| Medical review dates  | read     | read      | read             | refused               | read          |
| Plain language        | read     | read      | read             | refused               | read          |
| Patient feedback      | read     | read      | read             | refused               | read          |
| Searches              | read     | read      | refused          | refused               | read          |
| Locked pages          | refused  | read      | refused          | refused               | read          |
| Workflows             | read     | read      | read             | refused               | read          |
| Workflow tasks        | read     | read      | read             | refused               | read          |
| Site history          | read (6) | read (6)  | read (6)         | by its address (7)    | read          |
| Aging pages           | empty(8) | read      | empty (8)        | refused               | read          |
| Page types usage      | read     | read      | read             | refused               | read          |
| Search terms          | refused  | refused   | refused          | refused               | read          |
| Consultation requests | refused  | refused   | refused          | read                  | read          |

(6) without any consultation request's entries; (7) not in their menu, but Wagtail opens it at its
address for anyone whose history it holds: a coordinator's lists the requests' audit entries ("Viewed
the patient's details") and nothing about pages; (8) Wagtail offers Aging pages to everyone who works on
pages but lists only the pages the person may publish: for Editors and Medical reviewers, "No pages found".
"""

import datetime
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django_otp.oath import totp
from playwright.sync_api import expect
from wagtail.log_actions import log
from wagtail.models import Page

from consultations.audit import VIEW_ACTION
from consultations.models import ConsultationRequest
from consultations.roles import COORDINATORS
from consultations.second_factor import required_for
from feedback.models import GuideFeedback
from pages.models import GuidePage, Person
from tests.browser.staff import (
    EVERY_BLOCK,
    PASSWORD,
    choose_person,
    enter_code,
    expect_every_block_type,
    no_problems,
    open_editor,
    open_new_guide_form,
    press_action,
    retype,
    sign_in,
    sign_in_with_second_factor,
    staff_member,
    success_message,
    type_into_rich_text,
    wait_for_autosave,
    write_every_block_type,
)
from tests.browser.support import shot
from tests.browser.test_new_guide_by_role_in_browser import preview_panel
from tests.browser.test_staff_editing_in_browser import start_a_guide
from tests.support import GUIDE_URL
from tests.test_development import in_the_database_of, make_run

pytestmark = pytest.mark.browser

EDITOR, MODERATOR, REVIEWER, COORDINATOR, ADMINISTRATOR = (
    "Editor",
    "Moderator",
    "Medical reviewer",
    "Patient coordinator",
    "site administrator",
)
GROUPS = {EDITOR: "Editors", MODERATOR: "Moderators", REVIEWER: "Medical reviewers", COORDINATOR: COORDINATORS}
USERNAMES = {EDITOR: "ed", MODERATOR: "mo", REVIEWER: "porras", COORDINATOR: "rosa", ADMINISTRATOR: "admin"}
REVIEWER_PERSON = "Dr. Félix Porras"

GUIDE_TITLE = "A Patient's Guide to NK Cell Therapy"  # the seeded guide
TITLE = "Sleeping Well Before Your Treatment"
SLUG = "sleeping-well-before-your-treatment"
HEADING = "Why sleep matters"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    # As in production: whoever sees patients' details enters a code from their app after the password.
    settings.SECOND_FACTOR_REQUIRED = True


def signed_in(chromium, site, role, **kwargs):
    """A new member of staff in `role`, signed in as they sign in: the sign-in form, then their
    authenticator app's code where the site asks them for one."""
    username = USERNAMES[role]
    if role == ADMINISTRATOR:
        user = staff_member(username, superuser=True)
    else:
        user = staff_member(username, GROUPS[role])
    if required_for(user):
        return sign_in_with_second_factor(chromium, site, username, **kwargs)
    return sign_in(chromium, site, username, **kwargs)


def link_to_people_record(role):
    """A reviewer's account on their People record: what "Mark as reviewed" names on the guide."""
    Person.objects.filter(name=REVIEWER_PERSON).update(user=staff_user(role))


def staff_user(role):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=USERNAMES[role])


def guide_index_id():
    return GuidePage.objects.get().get_parent().id


def today():
    return format_date(timezone.localdate(), "j F Y")


def reader(chromium):
    """An anonymous reader's browser: no session, served from the page cache when it can be."""
    return chromium.new_context().new_page()


# --- a guide with every kind of block -------------------------------------------------------------


def write_a_guide_with_every_block_type(page, site):
    """A new guide with one of each block, credited to its author, autosaved, and checked in the
    preview panel beside the editor, as the person writing it checks it."""
    open_new_guide_form(page, site, guide_index_id())
    start_a_guide(page, TITLE, HEADING)
    write_every_block_type(page)
    choose_person(page, "author", "Dr. Kirk Sanford")
    wait_for_autosave(page)
    expect_every_block_type(preview_panel(page), timeout=20_000)


def every_block_type_in(guide):
    """The block types of the guide's latest version: section content, subsection content, sources."""
    section = guide.body[0].value
    return (
        [block.block_type for block in section["content"]],
        [block.block_type for block in section["subsections"][0]["content"]],
        [block.block_type for block in guide.sources],
    )


EVERY_BLOCK_TYPE = (["paragraph", "table", "bullet_list", "faq_item", "figure"], ["paragraph"], ["source"])


def readers_see_every_block_type(chromium, site):
    page = reader(chromium)
    page.goto(f"{site}/guides/{SLUG}/")
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect_every_block_type(page)
    page.get_by_text(EVERY_BLOCK["question"]).click()  # the answer opens under its question
    expect(page.get_by_text(EVERY_BLOCK["answer"])).to_be_visible()
    shot(page, "matrix-reader-sees-every-block-type", full_page=True)
    return page


def approve_on_the_dashboard(page, site, title, mark_reviewed=None, who=""):
    """Dashboard → Awaiting your review → the guide's ⋯ → Approve; the Medical reviewers' step asks
    first whether to mark the guide as medically reviewed in the same step."""
    page.goto(site + "/admin/")
    row = page.get_by_role("region", name="Awaiting your review").get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()
    if mark_reviewed is not None:
        modal = page.locator(".modal-dialog")
        stamp = modal.get_by_label("Also mark as medically reviewed today")
        stamp.check() if mark_reviewed else stamp.uncheck()
        shot(page, f"matrix-{who}-approves-on-the-dashboard")
        modal.get_by_role("button", name="Approve").click()


def test_an_editors_guide_with_every_block_type_is_submitted_reviewed_approved_and_read(site, chromium):
    editor = signed_in(chromium, site, EDITOR)
    write_a_guide_with_every_block_type(editor, site)
    shot(editor, "matrix-editor-previews-every-block-type")
    press_action(editor, "Submit to Medical review")
    editor.get_by_text(f"Page '{TITLE}' has been submitted for moderation.").wait_for()
    assert every_block_type_in(GuidePage.objects.get(slug=SLUG).get_latest_revision_as_object()) == EVERY_BLOCK_TYPE
    assert no_problems(editor) == []
    editor.context.close()

    # The Medical reviewer approves it and marks it as reviewed in the same step.
    reviewer = signed_in(chromium, site, REVIEWER)
    link_to_people_record(REVIEWER)
    approve_on_the_dashboard(reviewer, site, TITLE, mark_reviewed=True, who="reviewer")
    expect(reviewer.locator(".messages")).to_contain_text(
        f"Page '{TITLE}' has been approved. It now waits for: Moderators approval."
    )
    latest = GuidePage.objects.get(slug=SLUG).get_latest_revision_as_object()
    assert (latest.reviewed_by.name, latest.last_reviewed) == (REVIEWER_PERSON, timezone.localdate())
    assert no_problems(reviewer) == []
    reviewer.context.close()

    # The Moderator gives the last approval, which publishes it.
    moderator = signed_in(chromium, site, MODERATOR)
    approve_on_the_dashboard(moderator, site, TITLE)
    expect(moderator.locator(".messages")).to_contain_text(f"Page '{TITLE}' has been approved and published.")
    assert no_problems(moderator) == []
    moderator.context.close()

    page = readers_see_every_block_type(chromium, site)
    expect(page.locator(".guide-credits")).to_contain_text(f"{REVIEWER_PERSON}, MD")
    expect(page.locator(".guide-credits")).to_contain_text(today())
    page.context.close()


def test_a_moderator_writes_a_guide_with_every_block_type_and_submits_it(site, chromium):
    page = signed_in(chromium, site, MODERATOR)
    write_a_guide_with_every_block_type(page, site)
    shot(page, "matrix-moderator-previews-every-block-type")
    # Never medically reviewed, so it goes to the reviewers first (Publish would refuse it).
    press_action(page, "Submit to Medical review")
    page.get_by_text(f"Page '{TITLE}' has been submitted for moderation.").wait_for()
    guide = GuidePage.objects.get(slug=SLUG)
    assert guide.workflow_in_progress and not guide.live
    assert every_block_type_in(guide.get_latest_revision_as_object()) == EVERY_BLOCK_TYPE
    assert no_problems(page) == []
    page.context.close()


def test_the_administrator_writes_a_guide_with_every_block_type_and_publishes_it(site, chromium):
    page = signed_in(chromium, site, ADMINISTRATOR)
    write_a_guide_with_every_block_type(page, site)
    # An administrator's form has the review fields too (the author is already chosen).
    choose_person(page, "reviewed_by", REVIEWER_PERSON)
    page.locator("#id_last_reviewed").fill(timezone.localdate().isoformat())
    page.keyboard.press("Escape")  # closes the date picker
    shot(page, "matrix-administrator-previews-every-block-type")
    press_action(page, "Publish")
    page.get_by_text(f"Page '{TITLE}' has been published.").wait_for()
    assert every_block_type_in(GuidePage.objects.get(slug=SLUG)) == EVERY_BLOCK_TYPE
    assert no_problems(page) == []
    page.context.close()
    readers_see_every_block_type(chromium, site).context.close()


# --- review and approval ------------------------------------------------------------------------


def test_a_medical_reviewer_corrects_a_guide_submits_it_and_approves_it_in_the_editor(site, chromium):
    guide = GuidePage.objects.get()
    page = signed_in(chromium, site, REVIEWER)
    link_to_people_record(REVIEWER)
    open_editor(page, site, guide.id)
    paragraph = page.locator("[data-contentpath=body] [data-contentpath=content] [contenteditable=true]").first
    type_into_rich_text(paragraph, " A sentence the reviewer corrected.")
    wait_for_autosave(page)
    press_action(page, "Submit to Medical review")
    page.get_by_text(f"Page '{guide.title}' has been submitted for moderation.").wait_for()

    # Back in the editor, the reviewers' step is theirs: Approve, marking it reviewed today.
    open_editor(page, site, guide.id)
    press_action(page, "Approve")
    modal = page.locator(".modal-dialog")
    modal.get_by_label("Also mark as medically reviewed today").check()
    shot(page, "matrix-reviewer-approves-in-the-editor")
    modal.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{site}/admin/pages/{guide.get_parent().id}/")  # back to the guides' list
    expect(success_message(page)).to_contain_text(f"Page '{guide.title}' has been approved")
    guide = GuidePage.objects.get()
    assert guide.current_workflow_task.name == "Moderators approval"
    latest = guide.get_latest_revision_as_object()
    assert "A sentence the reviewer corrected." in str(latest.body[0].value["content"][0].value)
    assert (latest.reviewed_by.name, latest.last_reviewed) == (REVIEWER_PERSON, timezone.localdate())
    assert no_problems(page) == []
    page.context.close()


def test_the_administrator_edits_a_guide_submits_it_and_approves_both_steps(site, chromium):
    guide = GuidePage.objects.get()
    page = signed_in(chromium, site, ADMINISTRATOR)
    open_editor(page, site, guide.id)
    paragraph = page.locator("[data-contentpath=body] [data-contentpath=content] [contenteditable=true]").first
    type_into_rich_text(paragraph, " A sentence the administrator added.")
    wait_for_autosave(page)
    press_action(page, "Submit to Medical review")
    page.get_by_text(f"Page '{guide.title}' has been submitted for moderation.").wait_for()

    # An administrator may take every step of the workflow.
    approve_on_the_dashboard(page, site, guide.title, mark_reviewed=False, who="administrator")
    expect(page.locator(".messages")).to_contain_text("It now waits for: Moderators approval.")
    approve_on_the_dashboard(page, site, guide.title)
    expect(page.locator(".messages")).to_contain_text(f"Page '{guide.title}' has been approved and published.")
    shot(page, "matrix-administrator-approved-both-steps")
    assert no_problems(page) == []
    page.context.close()

    page = reader(chromium)
    page.goto(site + GUIDE_URL)
    expect(page.get_by_text("A sentence the administrator added.")).to_be_visible()
    page.context.close()


def test_the_administrator_who_is_also_a_medical_reviewer_marks_a_guide_reviewed(site, chromium):
    guide = GuidePage.objects.get()
    page = signed_in(chromium, site, ADMINISTRATOR)
    link_to_people_record(ADMINISTRATOR)
    open_editor(page, site, guide.id)
    action = page.locator("footer").get_by_role("link", name="Mark as reviewed")
    if not action.is_visible():
        page.locator("footer").get_by_role("button", name="More actions").click()
    action.click()
    page.wait_for_url(f"{site}/admin/guides/{guide.id}/mark-reviewed/")
    page.get_by_label("Note (optional)").fill("Checked by the medical director.")
    shot(page, "matrix-administrator-marks-reviewed")
    page.get_by_role("button", name="Mark as reviewed").click()
    page.wait_for_url(f"{site}/admin/pages/{guide.id}/edit/")
    expect(success_message(page)).to_contain_text("is marked as medically reviewed today and published")
    assert no_problems(page) == []
    page.context.close()

    page = reader(chromium)
    page.goto(site + GUIDE_URL)
    expect(page.locator(".guide-credits")).to_contain_text(today())
    page.context.close()


# --- scheduled publishing, under make run -------------------------------------------------------


STAFF_UNDER_MAKE_RUN = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from pages.models import GuidePage
users = get_user_model()
users.objects.create_user("mo", "mo@clinic.test", "{PASSWORD}").groups.add(Group.objects.get(name="Moderators"))
admin = users.objects.create_superuser("admin", "admin@clinic.test", "{PASSWORD}")
guide = GuidePage.objects.get()
print(TOTPDevice.objects.create(user=admin, name="Authenticator app").key, guide.id, guide.get_parent().id)
"""


def schedule(page, go_live, who):
    """Status → Set schedule → "Go live date/time" → Save schedule, then "Schedule to publish"."""
    # The words just typed are autosaved first, as the editor shows ("Saved").
    wait_for_autosave(page)
    page.get_by_role("button", name="Toggle status").click()
    page.locator("[data-side-panel=status]").get_by_role("button", name="Set schedule").click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog.get_by_text(f"In {settings.TIME_ZONE}, your time zone")).to_have_count(2)  # go live, expiry
    dialog.get_by_label("Go live date/time").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    # The date picker opens a moment after the field has the cursor; a click beside it closes it.
    picker = page.locator(".xdsoft_datetimepicker").filter(visible=True)
    expect(picker).to_have_count(1)
    dialog.get_by_role("heading", name="Set publishing schedule").click()
    expect(picker).to_have_count(0)
    shot(page, f"matrix-{who}-sets-go-live")
    # Filling in the date set off an autosave; the form waits for it to land before it goes, and
    # the person waits for the next page to load (Playwright's navigation wait, not a fixed 5 s).
    with page.expect_navigation():
        dialog.get_by_role("button", name="Save schedule").click()
    expect(success_message(page)).to_contain_text("has been updated.")
    with page.expect_navigation():
        press_action(page, "Schedule to publish")
    expect(success_message(page)).to_contain_text("is live and this version has been scheduled for publishing.")


def test_changes_staff_schedule_reach_anonymous_readers_at_go_live_under_make_run(tmp_path, chromium):
    """make run's own processes: runserver, and beside it the scheduler (manage.py publish_on_schedule),
    which publishes at the time chosen while the readers' copies are kept by runserver."""
    check_every = 2
    with make_run(tmp_path, SCHEDULE_CHECK_SECONDS=str(check_every)) as (_, port, database_url):
        site = f"http://127.0.0.1:{port}"
        key, guide_id, index_id = in_the_database_of(database_url, STAFF_UNDER_MAKE_RUN)
        anonymous = reader(chromium)
        for _ in range(2):
            response = anonymous.goto(site + GUIDE_URL)
        assert response.headers.get("x-page-cache") == "hit"

        moderator = sign_in(chromium, site, "mo")
        open_editor(moderator, site, guide_id)
        retype(moderator.locator("#id_title"), "A correction scheduled in advance")
        # The administrator signs in with their app's code, as make run's settings ask of them.
        administrator = sign_in(chromium, site, "admin", lands_on=None)
        administrator.wait_for_url("**/admin/second-factor/verify/?next=/admin/")
        enter_code(administrator, f"{totp(bytes.fromhex(key)):06d}")
        administrator.wait_for_url(site + "/admin/")
        open_editor(administrator, site, index_id)
        retype(administrator.locator("#id_title"), "Guides, renamed in advance")

        # Both choose the same time, far enough ahead to set it; "Go live at" is to the minute.
        go_live = (timezone.localtime() + datetime.timedelta(seconds=150)).replace(second=0, microsecond=0)
        schedule(moderator, go_live, "mo")
        schedule(administrator, go_live, "admin")
        assert no_problems(moderator) == [] and no_problems(administrator) == []

        # Before go-live, readers still get the page they had.
        response = anonymous.goto(site + GUIDE_URL)
        assert timezone.now() < go_live, "the check came too late to see the page before go-live"
        assert response.headers.get("x-page-cache") == "hit"
        expect(anonymous.get_by_role("heading", level=1)).to_have_text(GUIDE_TITLE)

        # After it, the new one, within a few checks of the scheduler.
        while True:
            anonymous.goto(site + GUIDE_URL)
            if anonymous.get_by_role("heading", level=1).inner_text() == "A correction scheduled in advance":
                break
            late = (timezone.now() - go_live).total_seconds()
            assert late < 3 * check_every + 20, (
                "readers still got the old guide after go-live:\n" + (tmp_path / "run.log").read_text()
            )
            anonymous.wait_for_timeout(1_000)
        assert timezone.now() >= go_live, "published before the time chosen"
        shot(anonymous, "matrix-reader-after-go-live")
        anonymous.goto(site + "/guides/")
        expect(anonymous.get_by_role("heading", level=1)).to_have_text("Guides, renamed in advance")
        expect(anonymous.get_by_role("link", name="A correction scheduled in advance")).to_be_visible()
        for page in (anonymous, moderator, administrator):
            page.context.close()


# --- taking a guide away ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [MODERATOR, ADMINISTRATOR])
def test_unpublishing_a_guide_takes_it_away_from_anonymous_readers(site, chromium, role):
    guide = GuidePage.objects.get()
    anonymous = reader(chromium)
    for _ in range(2):
        response = anonymous.goto(site + GUIDE_URL)
    assert response.headers.get("x-page-cache") == "hit"  # the copy readers are served

    page = signed_in(chromium, site, role)
    open_editor(page, site, guide.id)
    page.locator("header").get_by_role("button", name="Actions").click()
    page.locator("header").get_by_role("link", name="Unpublish").click()
    expect(page.get_by_text("Are you sure you want to unpublish this page?")).to_be_visible()
    shot(page, f"matrix-{USERNAMES[role]}-unpublishes")
    page.get_by_role("button", name="Yes, unpublish it").click()
    expect(success_message(page)).to_contain_text(f"Page '{guide.title}' unpublished.")
    assert not GuidePage.objects.get().live
    assert no_problems(page) == []
    page.context.close()

    response = anonymous.goto(site + GUIDE_URL)
    assert response.status == 404
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Page not found")
    anonymous.goto(site + "/guides/")
    expect(anonymous.get_by_role("link", name=guide.title)).to_have_count(0)
    anonymous.context.close()


# --- consultation requests --------------------------------------------------------------------


def a_consultation_request():
    return ConsultationRequest.objects.create(
        submission_token=uuid.uuid4(),
        consented_at=timezone.now(),
        full_name="Ana López",
        email="ana@example.com",
        country="Mexico",
        treatment="NK cell therapy",
    )


def test_the_administrator_handles_a_consultation_request(site, chromium):
    staff_member(USERNAMES[COORDINATOR], COORDINATORS, first_name="Rosa")
    consultation = a_consultation_request()
    page = signed_in(chromium, site, ADMINISTRATOR)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Consultation requests").click()
    page.get_by_role("link", name=f"Consultation request #{consultation.pk}").click()
    page.wait_for_url(f"**/edit/{consultation.pk}/")
    expect(page.get_by_role("link", name="ana@example.com")).to_be_visible()
    page.get_by_role("combobox", name="Status").select_option(label="Booked")
    page.get_by_role("combobox", name="Assigned coordinator").select_option(label="rosa")
    shot(page, "matrix-administrator-handles-a-request")
    page.locator("footer").get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/snippets/consultations/consultationrequest/")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.assigned_to.username) == ("booked", "rosa")
    expect(page.get_by_role("row").filter(has_text="Ana López")).to_contain_text("Booked")
    assert no_problems(page) == []
    page.context.close()


# --- reports ----------------------------------------------------------------------------------------

# Each report: the name of its address, and the words of a row the test gives it.
REPORTS = {
    "Medical review dates": ("guide_review_report", [GUIDE_TITLE, "Dr. Félix Porras, MD"]),
    "Plain language": ("plain_language_report", ["The Science Behind Your Immune Sentinels", "12.4"]),
    # The one answer to "Was this guide helpful?" below, in the last 30 days' column.
    "Guide impact": ("guide_impact", ["Found it helpful", "0% (0 of 1 answers)"]),
    "Patient feedback": ("feedback_report", [GUIDE_TITLE, "The table was hard to read on my phone."]),
    "Searches": ("searches_report", ["snorkelling", "1"]),
    "Locked pages": ("wagtailadmin_reports:locked_pages", ["Privacy notice", "writer"]),
    "Workflows": ("wagtailadmin_reports:workflow", ["Medical review", GUIDE_TITLE, "writer"]),
    "Workflow tasks": ("wagtailadmin_reports:workflow_tasks", ["Medical reviewers' approval", GUIDE_TITLE]),
    "Site history": ("wagtailadmin_reports:site_history", [GUIDE_TITLE, "'Medical review' started"]),
    "Aging pages": ("wagtailadmin_reports:aging_pages", [GUIDE_TITLE, "Guide page"]),
    "Page types usage": ("wagtailadmin_reports:page_types_usage", ["Guide Page", GUIDE_TITLE]),
    "Search terms": ("wagtailsearchpromotions:search_terms", ["snorkelling"]),
    # wagtail-localize's: translations made in its editor (the seeder's Spanish pages are not among them).
    "Translations": ("wagtail_localize:translations_report", []),
    # Not under Reports but a menu item of its own; read as a report is.
    "Consultation requests": ("wagtailsnippets_consultations_consultationrequest:list", ["Ana López", "New"]),
}
REQUESTS = "Consultation requests"
PAGE_REPORTS = [name for name in REPORTS if name not in ("Search terms", "Translations", REQUESTS)] + ["Translations"]
READS = {
    EDITOR: [name for name in PAGE_REPORTS if name != "Locked pages"],
    MODERATOR: PAGE_REPORTS,
    REVIEWER: [name for name in PAGE_REPORTS if name not in ("Locked pages", "Searches")],
    COORDINATOR: ["Guide impact", REQUESTS],
    ADMINISTRATOR: list(REPORTS),
}
# Not in their menu (Wagtail offers Site history to those who work on pages), but Wagtail opens it at
# its address for anyone whose history it holds: a coordinator's shows the requests' audit entries only.
BY_ADDRESS = {COORDINATOR: {"Site history": ["Consultation request #", "Viewed the patient's details"]}}


def something_in_every_report(chromium, site):
    """A row for each report, made as it comes about: patients' feedback, searches and a request,
    a guide in the Medical review workflow, a page someone locked."""
    guide = GuidePage.objects.get()
    GuideFeedback.objects.create(guide=guide, helpful=False, comment="The table was hard to read on my phone.")
    page = reader(chromium)
    for words in ("nk cell", "snorkelling"):  # the second finds nothing
        page.goto(f"{site}/search/?q={words}")
    page.context.close()
    seen = a_consultation_request()
    log(seen, VIEW_ACTION, user=staff_member("opened-it", COORDINATORS))  # a coordinator opened it
    submitter = staff_member("writer", GROUPS[MODERATOR])
    guide.get_workflow().start(guide, submitter)  # as "Submit to Medical review" does
    Page.objects.filter(slug="privacy").update(locked=True, locked_by=submitter, locked_at=timezone.now())


# Wagtail's "Aging pages" is offered to everyone who works on pages, but lists only the pages the
# person may publish: for Editors and Medical reviewers, none.
EMPTY = {
    "Aging pages": ([EDITOR, REVIEWER], "No pages found."),
    "Translations": ([EDITOR, MODERATOR, REVIEWER, ADMINISTRATOR], "No translations found."),
}


def read_report(page, site, name, role):
    url_name, words = REPORTS[name]
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert page.url.startswith(site + reverse(url_name)), page.url
    roles, empty = EMPTY.get(name, ([], ""))
    if role in roles:
        expect(page.locator("main").get_by_text(empty)).to_be_visible()
    else:
        expect(a_row(page, words)).to_be_visible()
    if name == "Site history" and REQUESTS not in READS[role]:
        expect(a_row(page, ["Consultation request #"])).to_have_count(0)  # not even a request's number


def a_row(page, words):
    row = page.locator("main").get_by_role("row")
    for word in words:
        row = row.filter(has_text=word)
    return row.first


@pytest.mark.parametrize("role", [EDITOR, MODERATOR, REVIEWER, COORDINATOR, ADMINISTRATOR])
def test_each_role_reads_the_reports_it_may_and_is_refused_the_others(site, chromium, role):
    something_in_every_report(chromium, site)
    page = signed_in(chromium, site, role)
    menu = page.get_by_role("navigation", name="Main menu")
    reports = [name for name in READS[role] if name != REQUESTS]
    if reports:
        menu.get_by_role("button", name="Reports").click()
        assert page.get_by_role("list", name="Reports").get_by_role("link").all_inner_texts() == reports
    else:
        expect(menu.get_by_role("button", name="Reports")).to_have_count(0)
    for name in reports:
        if not page.get_by_role("list", name="Reports").is_visible():
            menu.get_by_role("button", name="Reports").click()
        page.get_by_role("list", name="Reports").get_by_role("link", name=name, exact=True).click()
        read_report(page, site, name, role)
        shot(page, f"matrix-{USERNAMES[role]}-reads-{name.lower().replace(' ', '-')}")
    if REQUESTS in READS[role]:
        menu.get_by_role("link", name=REQUESTS).click()
        read_report(page, site, REQUESTS, role)
    else:
        expect(menu.get_by_role("link", name=REQUESTS)).to_have_count(0)
    assert no_problems(page) == []

    for name, words in BY_ADDRESS.get(role, {}).items():
        page.goto(site + reverse(REPORTS[name][0]))
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
        expect(a_row(page, words)).to_be_visible()
        expect(a_row(page, [GUIDE_TITLE])).to_have_count(0)
        shot(page, f"matrix-{USERNAMES[role]}-reads-{name.lower().replace(' ', '-')}-by-its-address")

    refused = [name for name in REPORTS if name not in READS[role] and name not in BY_ADDRESS.get(role, {})]
    # Translations among them for a coordinator, at its address too (pages/admin_views.TranslationsReport).
    for name in refused:
        url_name, words = REPORTS[name]
        page.goto(site + reverse(url_name))
        expect(page, name).to_have_url(site + "/admin/")
        expect(page.get_by_text("Sorry, you do not have permission to access this area.")).to_be_visible()
        if words:  # Translations has none to look for; the dashboard's own rows are not the report's
            expect(a_row(page, words)).to_have_count(0)
    assert no_problems(page) == []
    page.context.close()
