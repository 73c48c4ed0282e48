"""Under the Content-Security-Policy every public page works, and so does the Wagtail admin."""

import pytest
from django.contrib.auth import get_user_model

from pages.models import GuidePage

pytestmark = pytest.mark.browser

# Record every violation the browser reports, before any of the page's own code runs.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


@pytest.fixture
def watched(chromium):
    """A browser tab that collects CSP violations from both the event and the console."""
    context = chromium.new_context()
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    tab = context.new_page()
    tab.console_messages = []
    tab.on("console", lambda message: tab.console_messages.append(message.text))
    yield tab
    context.close()


def violations(tab):
    reported = tab.evaluate("window.__cspViolations")
    console = [text for text in tab.console_messages if "Content Security Policy" in text]
    return reported + console


def test_every_public_page_type_loads_without_a_policy_violation(site, watched):
    guide = GuidePage.objects.get()
    pages = {
        "home page": "/",
        "guide index": "/guides/",
        "guide": guide.url,
        "page not found": "/no-such-page/",
    }
    for name, path in pages.items():
        response = watched.goto(site + path)
        assert "script-src 'self'" in response.headers["content-security-policy"], name
        assert watched.locator("h1").count() == 1, name
        # The stylesheet was allowed and applied: site.css alone moves the skip link off-screen.
        assert watched.locator(".skip-link").evaluate("el => getComputedStyle(el).position") == "absolute", name
        assert violations(watched) == [], f"{name} ({path}): {violations(watched)}"

    # The listener is live: inline code added now is blocked and reported.
    watched.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__inlineRan = true";
        document.body.append(script);
    }""")
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert watched.evaluate("window.__inlineRan") is None
    assert any(v.startswith("script-src") for v in violations(watched))


def test_the_admin_login_and_page_editor_work_under_the_admin_policy(site, watched):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    response = watched.goto(site + "/admin/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    watched.get_by_label("Username").fill("editor")
    watched.get_by_label("Password").fill("a-long-test-password")
    watched.get_by_role("button", name="Sign in").click()
    watched.wait_for_url(site + "/admin/")
    assert watched.locator("h1").inner_text() == "Longevity Medical Institute patient guides"

    guide = GuidePage.objects.get()
    watched.goto(f"{site}/admin/pages/{guide.pk}/edit/")
    # The editor is drawn by JavaScript: its blocks exist only if the admin's scripts ran.
    watched.get_by_text("Understanding How NK Cell Therapy Works").first.wait_for()
    assert violations(watched) == []
