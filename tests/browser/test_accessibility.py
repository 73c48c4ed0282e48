"""WCAG 2.2 AA, measured with axe-core in Chromium, and what a keyboard user can do."""

import pytest

from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

GUIDE = "/guides/nk-cell-therapy/"
PAGES = {
    "home": "/",
    "guides list": "/guides/",
    "guide": GUIDE,
    "search results": "/search/?q=perforin",
    "empty search": "/search/?q=",
    "no results": "/search/?q=zzzznotaword",
    "404": "/no-such-page/",
}


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_no_axe_violations(site, chromium, path, viewport):
    size = {"width": 1280, "height": 900} if viewport == "desktop" else {"width": 360, "height": 740}
    context = chromium.new_context(viewport=size)
    page = context.new_page()
    response = page.goto(site + path)
    assert response.status == (404 if path == "/no-such-page/" else 200)
    count, report = axe_violations(page)
    context.close()
    assert count == 0, report


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_the_content(site, desktop):
    desktop.goto(site + GUIDE)
    desktop.keyboard.press("Tab")
    focused = desktop.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert desktop.locator(".skip-link").is_visible()
    desktop.keyboard.press("Enter")
    assert desktop.evaluate("document.activeElement.id") == "main-content"


def test_on_this_page_links_move_focus_to_their_section(site, desktop):
    desktop.goto(site + GUIDE)
    links = desktop.locator("nav.contents a")
    assert links.count() == 7
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href").lstrip("#")
        link.focus()
        desktop.keyboard.press("Enter")
        assert desktop.evaluate("document.activeElement.id") == target
        assert desktop.evaluate("document.activeElement.tagName") == "H2"


def test_every_faq_item_opens_with_enter_and_with_space(site, desktop):
    desktop.goto(site + GUIDE)
    items = desktop.locator("details.faq-item")
    assert items.count() == 4
    for index in range(items.count()):
        item = items.nth(index)
        item.locator("summary").focus()
        desktop.keyboard.press("Enter")
        assert item.evaluate("el => el.open") is True
        assert item.locator(".faq-item__answer").is_visible()
        desktop.keyboard.press("Enter")
        assert item.evaluate("el => el.open") is False
        desktop.keyboard.press("Space")
        assert item.evaluate("el => el.open") is True


def test_focus_is_visible_on_links(site, desktop):
    desktop.goto(site + GUIDE)
    link = desktop.locator("nav.contents a").first
    before = link.evaluate("el => getComputedStyle(el).backgroundColor")
    link.focus()
    desktop.keyboard.press("Shift+Tab")
    desktop.keyboard.press("Tab")
    after = link.evaluate("el => getComputedStyle(el).backgroundColor")
    assert before != after and after == "rgb(255, 210, 63)"


def test_printing_shows_the_words_only_with_answers_open_and_link_targets(site, desktop):
    desktop.goto(site + GUIDE)
    desktop.emulate_media(media="print")
    assert not desktop.locator(".site-header").is_visible()
    assert not desktop.locator("nav.contents").is_visible()
    assert not desktop.locator("form.search-form").first.is_visible()
    for answer in desktop.locator(".faq-item__answer").all():
        assert answer.is_visible()
    crumb = desktop.locator(".breadcrumbs a").first
    assert not crumb.is_visible()  # breadcrumbs hidden too
    link = desktop.locator("main a[href^='/'], main a[href^='http']")
    if link.count():
        content = link.first.evaluate("el => getComputedStyle(el, '::after').content")
        assert "(" in content
    row = desktop.locator("table.comparison-table tr").first
    assert row.evaluate("el => getComputedStyle(el).breakInside") == "avoid"


def test_the_visual_map_is_a_figure_with_its_three_stages_in_words(site, phone):
    phone.goto(site + GUIDE)
    figure = phone.get_by_role("figure")
    assert figure.count() == 1
    assert figure.locator("figcaption").inner_text().startswith("The visual map")
    labels = [label.inner_text().split(maxsplit=1)[1] for label in figure.locator(".visual-map__label").all()]
    assert labels == ["Normal patrol", "Depletion", "Therapeutic reinforcement"]
    for svg in figure.locator("svg").all():
        assert svg.get_attribute("aria-hidden") == "true"
        assert svg.bounding_box()["width"] <= 360
