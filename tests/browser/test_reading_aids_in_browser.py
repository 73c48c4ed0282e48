"""Reading a long guide in Chromium: the contents beside the text, the section being read, the way back."""

import pytest

from tests.browser.support import axe_violations, shot

pytestmark = pytest.mark.browser

GUIDE = "/guides/nk-cell-therapy/"


def box(locator):
    return locator.bounding_box()


def marked(page, title):
    """Wait until the contents list marks `title` as the section being read (a function, not a
    string of code, which the page's security policy would refuse to evaluate)."""
    page.wait_for_function(
        """(title) => document.querySelector("nav.contents a[aria-current=location]")?.textContent.trim() === title""",
        arg=title,
    )


def test_on_a_wide_screen_the_contents_stay_beside_the_text_and_mark_the_section(site, chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(site + GUIDE)
    contents = page.locator("nav.contents")
    sections = page.locator("article section.guide-section")

    # A column of its own: to the right of every section, so it never covers a word.
    contents_box = box(contents)
    for index in range(sections.count()):
        assert contents_box["x"] >= box(sections.nth(index))["x"] + box(sections.nth(index))["width"]

    link = contents.get_by_role("link", name="Comparing Autologous and Allogeneic Options")
    link.click()
    heading = page.get_by_role("heading", name="Comparing Autologous and Allogeneic Options", level=2)
    # Space above the heading it jumped to.
    assert 16 <= box(heading)["y"] <= 40
    # Still in view far down the page, and showing where the reader is.
    contents_box = box(contents)
    assert contents_box["y"] >= 0 and contents_box["y"] + contents_box["height"] <= 900
    marked(page, "Comparing Autologous and Allogeneic Options")
    assert contents.locator("a[aria-current]").count() == 1
    shot(page, "reading-aids-wide")
    count, report = axe_violations(page)
    assert count == 0, report

    # Reading on: the mark follows the reader.
    page.get_by_role("heading", name="Your Questions About NK Cell Therapy Answered").scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    marked(page, "Your Questions About NK Cell Therapy Answered")
    context.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_back_to_contents_on_a_phone(site, chromium, javascript):
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(site + GUIDE)
    contents = page.locator("nav.contents")
    # On a phone the list is where it always was, above the sections, not fixed on screen.
    assert contents.evaluate("element => getComputedStyle(element).position") == "static"
    section = page.locator("article section.guide-section").nth(2)
    back = section.get_by_role("link", name="Back to contents")
    back.scroll_into_view_if_needed()
    back.click()
    page.wait_for_url(site + GUIDE + "#contents")
    # Space above the list it jumped to.
    assert 16 <= box(contents)["y"] <= 40
    if javascript:
        assert page.evaluate("document.activeElement.id") == "contents"
    else:
        # Nothing is marked without JavaScript; the list and every link still work.
        assert contents.locator("a[aria-current]").count() == 0
        contents.get_by_role("link", name="Your Patient Journey from Consultation to Treatment").click()
        page.wait_for_url(site + GUIDE + "#your-patient-journey-from-consultation-to-treatment")
    context.close()
