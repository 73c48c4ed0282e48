"""A guide's sources as patients see them on screen and on paper."""

import datetime

import pytest

from pages.models import GuidePage
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser


def test_sources_are_listed_at_the_end_on_screen_and_in_print(site, chromium):
    guide = GuidePage.objects.get()
    guide.sources = [
        (
            "source",
            {
                "title": "Natural killer cells in cancer immunotherapy",
                "publisher": "Example Journal",
                "year": 2021,
                "link": "https://journal.example/nk",
                "last_checked": datetime.date(2026, 5, 4),
            },
        )
    ]
    guide.save_revision().publish()

    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site + "/guides/nk-cell-therapy/")
    sources = page.get_by_role("region", name="Sources")
    sources.scroll_into_view_if_needed()
    assert sources.get_by_role("listitem").count() == 1
    assert sources.get_by_role("link", name="Natural killer cells in cancer immunotherapy").is_visible()
    count, report = axe_violations(page)
    assert count == 0, report

    page.emulate_media(media="print")
    assert sources.is_visible()
    # Print writes the link's address out after it.
    after = page.evaluate("getComputedStyle(document.querySelector('.sources a'), '::after').content")
    assert "https://journal.example/nk" in after
    assert not page.locator("#feedback").is_visible()
    context.close()
