"""An editor sees how plain the guide's language is while editing it."""

import pytest

from pages.models import GuidePage
from tests.browser.staff import open_editor, sign_in, staff_member
from tests.browser.support import shot

pytestmark = pytest.mark.browser


def test_an_editor_sees_the_reading_levels_under_the_body(site, chromium):
    staff_member("writer", "Editors")
    guide = GuidePage.objects.get()
    page = sign_in(chromium, site, "writer")
    open_editor(page, site, guide.id)

    panel = page.locator(".plain-language")
    panel.scroll_into_view_if_needed()
    assert panel.is_visible()
    assert "Whole guide: Flesch–Kincaid grade" in panel.inner_text()
    assert "the clinic's target is 8 or below" in panel.inner_text()
    sections = panel.get_by_role("table")
    assert sections.get_by_role("rowheader", name="The Science Behind Your Immune Sentinels").is_visible()
    assert sections.get_by_text("Above target").count() == 8
    assert panel.get_by_role("list").get_by_role("listitem").count() == 3
    shot(page, "editor-plain-language")

    # It informs; the editor can still submit the guide for review.
    assert page.locator("footer").get_by_role("button", name="Save draft").is_visible()
    assert page.problems == []
    page.context.close()
