"""What clinic staff do in the Wagtail admin, step by step, as they do it in Chromium."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "a-long-browser-password"
# Screenshots of the editor for docs/editing.md ("Editing guides"), retaken by every run of the tests.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def staff_member(username, group=None, superuser=False, first_name=""):
    users = get_user_model()
    if superuser:
        user = users.objects.create_superuser(username, f"{username}@clinic.test", PASSWORD, first_name=first_name)
    else:
        user = users.objects.create_user(username, f"{username}@clinic.test", PASSWORD, first_name=first_name)
        user.groups.add(Group.objects.get(name=group))
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
    page.locator("#w-autosave-indicator").get_by_text("Saved", exact=True).wait_for(state="visible", timeout=20_000)


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
