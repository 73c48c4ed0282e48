"""A patient answers "Was this guide helpful?" in Chromium, with JavaScript off and on; a reviewer reads it."""

from urllib.parse import urlsplit

import pytest

from feedback.models import GuideFeedback
from tests.browser.support import axe_violations, shot

pytestmark = pytest.mark.browser

GUIDE = "/guides/nk-cell-therapy/"


def no_axe_violations(page):
    count, report = axe_violations(page)
    assert count == 0, report


def watch_requests(page, site):
    """Every address the page asks for that is not the site itself."""
    elsewhere = []
    origin = urlsplit(site).netloc
    page.on("request", lambda request: urlsplit(request.url).netloc != origin and elsewhere.append(request.url))
    return elsewhere


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_a_patient_on_a_phone_says_the_guide_helped_and_sees_the_thank_you(site, chromium, javascript):
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, java_script_enabled=javascript
    )
    page = context.new_page()
    elsewhere = watch_requests(page, site)
    page.goto(site + GUIDE)
    feedback = page.locator("#feedback")
    feedback.scroll_into_view_if_needed()
    assert feedback.get_by_role("group", name="Was this guide helpful?").is_visible()
    feedback.get_by_label("No").check()
    feedback.get_by_label("What could be better? (optional)").press_sequentially("A shorter summary at the top.")
    shot(page, f"feedback-form-{'js' if javascript else 'nojs'}")
    feedback.get_by_role("button", name="Send feedback").click()

    page.wait_for_url(site + GUIDE + "feedback-sent/#feedback")
    thanks = page.get_by_role("status").filter(has_text="Thank you for your feedback")
    assert thanks.is_visible()
    assert page.locator("#feedback form").count() == 0
    # The rest of the guide is still there, above the thank-you.
    assert page.get_by_role("heading", level=1).inner_text() == "A Patient's Guide to NK Cell Therapy"
    shot(page, f"feedback-thanks-{'js' if javascript else 'nojs'}")
    if javascript:  # axe runs as a script in the page
        no_axe_violations(page)

    page.reload()
    assert page.get_by_role("status").filter(has_text="Thank you for your feedback").is_visible()
    stored = GuideFeedback.objects.get()
    assert (stored.helpful, stored.comment) == (False, "A shorter summary at the top.")
    assert context.cookies() == []
    assert elsewhere == []
    context.close()


def test_a_patient_who_forgets_to_choose_is_told_and_keeps_their_words(site, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site + GUIDE)
    no_axe_violations(page)
    page.get_by_label("What could be better? (optional)").fill("More about costs.")
    page.get_by_role("button", name="Send feedback").click()

    summary = page.get_by_role("alert")
    assert "Choose Yes or No to say whether this guide was helpful" in summary.inner_text()
    assert page.title().startswith("Error:")
    no_axe_violations(page)
    shot(page, "feedback-error", full_page=True)
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "feedback-helpful-yes"
    assert page.get_by_label("What could be better? (optional)").input_value() == "More about costs."
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_url(site + GUIDE + "feedback-sent/#feedback")
    assert GuideFeedback.objects.get().helpful is True
    context.close()
