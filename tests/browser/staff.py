"""What clinic staff do in the Wagtail admin, step by step, as they do it in Chromium."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.support import shot

PASSWORD = "a-long-browser-password"
# Screenshots of the editor for docs/editing.md ("Editing guides"). They are retaken there only when
# asked (`make screenshots`), so that a test run leaves the checkout as it found it; otherwise they
# go with the run's other screenshots, to look at.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def docs_shot(page, name, down_to=None):
    """A screenshot that the docs show, in docs/screenshots/ when RETAKE_DOCS_SCREENSHOTS=1 (else
    with the run's media). `down_to`, a locator: the shot ends a little below it."""
    clip = None
    if down_to is not None:
        page.evaluate("() => window.scrollTo(0, 0)")
        box = down_to.bounding_box()
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": box["y"] + box["height"] + 16}
    if os.environ.get("RETAKE_DOCS_SCREENSHOTS") == "1":
        page.screenshot(path=DOCS_SCREENSHOTS / f"{name}.png", clip=clip)
    else:
        shot(page, name, clip=clip)


def staff_member(username, group=None, superuser=False, first_name=""):
    users = get_user_model()
    if superuser:
        user = users.objects.create_superuser(username, f"{username}@clinic.test", PASSWORD, first_name=first_name)
    else:
        user = users.objects.create_user(username, f"{username}@clinic.test", PASSWORD, first_name=first_name)
        user.groups.add(Group.objects.get(name=group))
    return user


def medical_reviewer_linked_to_their_record(username="porras", name="Dr. Félix Porras"):
    """A Medical reviewer whose account is linked to their People record, as "Mark as reviewed" needs."""
    from pages.models import Person

    user = staff_member(username, "Medical reviewers")
    Person.objects.filter(name=name).update(user=user)
    return user


def sign_in(browser, site, username, viewport=None, lands_on="/admin/"):
    """A new browser window, signed in to the admin through its sign-in form.

    lands_on=None for someone asked for a second factor next (consultations/second_factor.py)."""
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    # A refusal or failure from the site itself (an autosave answered 400, a preview 500) is a
    # problem even where the page shows nothing; another origin's answers are not ours to judge.
    page.on("response", lambda response: response.url.startswith(site) and note_failure(page, response))
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if lands_on:
        page.wait_for_url(site + lands_on)
    return page


def sign_in_with_second_factor(browser, site, username, viewport=None):
    """Signed in through the sign-in form, then the code from the person's authenticator app, as
    whoever sees patients' details (Patient coordinators, administrators) must
    (consultations/second_factor.py). Their app was set up before today; the test must have turned
    the second factor on (settings.SECOND_FACTOR_REQUIRED), as production has it."""
    assert settings.SECOND_FACTOR_REQUIRED, "the test settings switch the second factor off: turn it on"
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app")
    page = sign_in(browser, site, username, viewport=viewport, lands_on=None)
    page.wait_for_url("**/admin/second-factor/verify/?next=/admin/")
    enter_code(page, code_from_app(device))
    page.wait_for_url(site + "/admin/")
    return page


def code_from_app(device):
    """What the person's authenticator app shows now for this TOTP device. A code is accepted once:
    signing in again within its 30 seconds takes the next one, which the device also accepts."""
    device.refresh_from_db()
    now = int((time.time() - device.t0) // device.step)
    drift = max(0, device.last_t + 1 - now)
    assert drift <= device.tolerance, "signed in too often within one code's time"
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"


def enter_code(page, code):
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()


def note_failure(page, response):
    if response.status < 400:
        return
    try:
        said = response.text()[:200]  # Wagtail's autosave says why in its JSON
    except Exception:
        said = ""  # the page moved on before the answer could be read
    page.problems.append(f"{response.status} {response.request.method} {response.url} {said}".strip())


def open_editor(page, site, page_id):
    """The page's editor, once it is ready for typing."""
    page.goto(f"{site}/admin/pages/{page_id}/edit/")
    wait_until_ready_for_typing(page)


def open_new_guide_form(page, site, parent_id):
    """The form for a new guide under `parent_id`, once it is ready for typing."""
    page.goto(f"{site}/admin/pages/add/pages/guidepage/{parent_id}/")
    wait_until_ready_for_typing(page)


def wait_until_ready_for_typing(page):
    """Wait until Wagtail has noted the form's starting state.

    Wagtail notes it about two seconds after the form opens (its w-unsaved controller, once the
    widgets have set themselves up), and autosaves only changes made after that: whatever was
    typed before counts as the starting state. That is why the first autosave of a new guide
    sometimes never came: the test had typed everything within those two seconds, and nothing
    changed afterwards. A person reading the form first never notices; wait, as they do.
    """
    page.wait_for_function(
        """() => {
            const form = document.querySelector("form[data-edit-form]");
            const controller = (name) => window.wagtail.app.getControllerForElementAndIdentifier(form, name);
            const watcher = controller("w-unsaved"), autosave = controller("w-autosave");
            return watcher?.initialFormData !== undefined && autosave?.activeValue === true;
        }""",
        timeout=20_000,
    )
    # It may start the same two-second timer more than once while loading, and a later one notes
    # the state again: what was typed before it fires would never count as a change.
    page.wait_for_timeout(2_100)


def retype(field, text):
    """Replace a field's words by typing them at a person's pace, not by setting its value at once."""
    field.click()
    field.press("Control+a")
    field.press_sequentially(text, delay=40)


def wait_for_autosave(page):
    """Wagtail saves a draft by itself shortly after typing stops, and says "Saved"."""
    try:
        page.locator("#w-autosave-indicator").get_by_text("Saved", exact=True).wait_for(state="visible", timeout=20_000)
    except PlaywrightTimeoutError:
        # Say what the site answered (an autosave refused says why in its JSON), not only that it waited.
        raise AssertionError(f"no autosave within 20 s; the site's refusals: {page.problems}") from None


def press_action(page, name):
    """A button of the editor's action menu: the main one, or one behind "More actions"."""
    button = page.locator("footer").get_by_role("button", name=name, exact=True)
    if not button.is_visible():
        page.locator("footer").get_by_role("button", name="More actions").click()
    button.click()


def choose_person(page, field, name):
    page.locator(f"#id_{field}-chooser").get_by_role("button", name="Choose person").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("link", name=name).click()
    modal.wait_for(state="hidden")


def type_into_rich_text(editable, text):
    """Click at the end of a rich-text field's words and type, as a person adds to a paragraph."""
    editable.click()
    editable.press("End")
    editable.press_sequentially(text)


def success_message(page):
    return page.locator(".messages .success, [role=status].messages, .messages li.success").first


def no_problems(page):
    """Nothing went wrong in the page's scripts, nothing it loaded was missing (not even the
    favicon), and the security policy refused nothing."""
    return page.problems


# --- a guide with every kind of block -------------------------------------------------------------

# What write_every_block_type types, for the tests to look for in the preview and on the page.
EVERY_BLOCK = {
    "paragraph": "Most adults need seven or more hours of sleep.",
    "caption": "Hours of sleep by age",
    "columns": ("Age", "Hours"),
    "row": ("Adults", "Seven or more"),
    "lead": "Keep a routine:",
    "point": "go to bed at the same time each night.",
    "question": "Can I nap during the day?",
    "answer": "A short nap before three in the afternoon is fine.",
    "figure_caption": "How NK cells are reinforced",
    "figure_description": "Three stages: normal patrol, depletion and reinforcement.",
    "subsection": "On the night before",
    "subsection_paragraph": "Eat a light dinner.",
    "source": "Sleep and your treatment",
}
ILLUSTRATION = "NK cell therapy: normal patrol, depletion, reinforcement"


def insert_block(page, stream, kind):
    """The stream's first "+" (above its first block), then the kind of block from Wagtail's menu.

    Once, on a heavily loaded machine, the menu had not opened five seconds after the click on the
    "+" of a subsection just added (not seen again in a dozen runs, two at a time); a person who sees
    no menu clicks again, and so does this. A menu that never opens still fails the test."""
    plus = stream.get_by_role("button", name="Insert a block").first
    option = page.get_by_role("option", name=kind, exact=True)
    plus.click()
    try:
        option.wait_for(timeout=5_000)
    except PlaywrightTimeoutError:
        plus.click()
    option.click()


def rich_text_of(page, field_name):
    """The editable box of a rich-text field, found from the hidden input Wagtail keeps its value in."""
    return page.locator(f"input[name='{field_name}']").locator("..").locator("[contenteditable=true]")


def write_every_block_type(page):
    """In a new guide whose first section is open: a paragraph, a table, a bulleted list, a question
    and answer and a figure in that section, a subsection with a paragraph, and a source.

    Each block is inserted with the "+" at the top of the section, so the last inserted comes first;
    Wagtail names each block's fields by the order it was inserted in (content-0 is the figure)."""
    words = EVERY_BLOCK
    content = page.locator("[data-contentpath=body] [data-contentpath=content]").first
    for kind in ("Figure", "Question and answer", "Bulleted list", "Table", "Paragraph"):
        insert_block(page, content, kind)
    block = "body-0-value-content-{}-value".format

    type_into_rich_text(rich_text_of(page, block(4)), words["paragraph"])

    page.locator(f"[name='{block(3)}-caption']").fill(words["caption"])
    for _ in words["columns"]:
        content.get_by_role("button", name="Add column").click()
        page.get_by_role("button", name="Text", exact=True).click()
    # The first column comes with a first row: the one row this table has.
    for column, (heading, cell) in enumerate(zip(words["columns"], words["row"], strict=True)):
        page.locator(f"[name='{block(3)}-column-{column}-heading']").fill(heading)
        page.locator(f"[name='{block(3)}-cell-0-{column}']").fill(cell)

    page.locator(f"[name='{block(2)}-0-value-lead']").fill(words["lead"])
    page.locator(f"[name='{block(2)}-0-value-text']").fill(words["point"])

    page.locator(f"[name='{block(1)}-question']").fill(words["question"])
    type_into_rich_text(rich_text_of(page, f"{block(1)}-answer"), words["answer"])

    page.locator(f"[name='{block(0)}-illustration']").select_option(label=ILLUSTRATION)
    page.locator(f"[name='{block(0)}-caption']").fill(words["figure_caption"])
    page.locator(f"[name='{block(0)}-description']").fill(words["figure_description"])

    subsections = page.locator("[data-contentpath=body] [data-contentpath=subsections]").first
    subsections.get_by_role("button", name="Add").first.click()
    page.locator("[name='body-0-value-subsections-0-value-heading']").fill(words["subsection"])
    insert_block(page, subsections.locator("[data-contentpath=content]").first, "Paragraph")
    type_into_rich_text(
        rich_text_of(page, "body-0-value-subsections-0-value-content-0-value"), words["subsection_paragraph"]
    )

    # Sources hold one kind of block, so "+" adds a source at once.
    page.locator("[data-contentpath=sources]").get_by_role("button", name="Insert a block").first.click()
    page.locator("[name='sources-0-value-title']").fill(words["source"])
    page.locator("[name='sources-0-value-last_checked']").fill(timezone.localdate().isoformat())
    page.locator("[name='sources-0-value-title']").click()  # closes the date picker


def expect_every_block_type(where, timeout=10_000):
    """What readers (or the preview beside the editor) see of write_every_block_type's blocks.

    `where` is a page or the preview's frame; each is waited for, as a preview redraws as typing goes on."""
    words = EVERY_BLOCK
    expected = {
        "paragraph": where.get_by_text(words["paragraph"]),
        "table": where.locator("table").filter(has_text=words["caption"]).get_by_role("cell", name=words["row"][1]),
        "bulleted list": where.locator("ul.key-points li", has_text=words["lead"]).filter(has_text=words["point"]),
        "question and answer": where.locator("details.faq-item summary", has_text=words["question"]),
        "figure": where.locator("figure figcaption").filter(has_text=words["figure_caption"]),
        "subsection": where.get_by_role("heading", level=3, name=words["subsection"]),
        "subsection's paragraph": where.get_by_text(words["subsection_paragraph"]),
        "source": where.locator("ol.sources li", has_text=words["source"]),
    }
    for name, locator in expected.items():
        expect(locator, f"the {name}").to_be_visible(timeout=timeout)
