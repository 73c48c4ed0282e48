"""A guide on paper: whose it is, where it came from, when it was printed, and nothing that only works on screen."""

import datetime
import re

import pytest

from pages.models import GuidePage
from tests.browser.support import shot

pytestmark = pytest.mark.browser

GUIDE = "/guides/nk-cell-therapy/"


def test_a_printed_guide_names_the_clinic_its_address_and_the_day_it_was_printed(site, chromium):
    context = chromium.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    page.goto(site + GUIDE)
    header = page.locator(".print-header")
    assert not header.is_visible(), "the print header is for paper only"

    page.emulate_media(media="print")
    assert header.is_visible()
    assert header.locator(".print-header__name").inner_text() == "Longevity Medical Institute"
    assert f"This page: {site}{GUIDE}" in header.inner_text()
    printed = header.locator(".print-header__date").inner_text()
    today = datetime.date.today()
    assert printed == f"Printed on {today.day} {today.strftime('%B')} {today.year}", printed

    # "Back to contents" cannot be followed on paper.
    back = page.locator(".back-to-contents a")
    assert back.count() > 0 and back.first.inner_text() == "Back to contents"
    assert not back.first.is_visible()
    # The site's own links are written out in full, so a reader can type them.
    after = page.evaluate("getComputedStyle(document.querySelector('.consultation-card__link'), '::after').content")
    assert f"({site}/consultation/?guide={GuidePage.objects.get().pk})" in after, after
    # The clinic's footer (name and contact details) ends the printout.
    assert page.locator(".site-footer__name").is_visible()
    margin = page.evaluate(
        "[...document.styleSheets].flatMap(s => [...s.cssRules]).find(r => r instanceof CSSPageRule).style.margin"
    )
    assert margin == "18mm 16mm"
    shot(page, "print-guide", full_page=True)
    context.close()


def test_without_javascript_the_printout_still_carries_the_page_address(site, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + GUIDE)
    page.emulate_media(media="print")
    assert f"This page: {site}{GUIDE}" in page.locator(".print-header").inner_text()
    # No date can be known without the script, so none is claimed.
    assert not page.locator(".print-header__date").is_visible()
    after = page.evaluate("getComputedStyle(document.querySelector('.consultation-card__link'), '::after').content")
    assert f"(/consultation/?guide={GuidePage.objects.get().pk})" in after
    context.close()


def test_the_header_link_from_a_guide_asks_about_that_guide(site, phone):
    phone.goto(site + GUIDE)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Request a consultation").click()
    phone.wait_for_url(re.compile(rf"/consultation/\?guide={GuidePage.objects.get().pk}$"))
    chosen = phone.get_by_label("Treatment").evaluate("select => select.selectedOptions[0].textContent")
    assert "NK" in chosen, chosen
    # From anywhere else, the form starts with nothing chosen.
    phone.goto(site + "/guides/")
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Request a consultation").click()
    phone.wait_for_url(re.compile(r"/consultation/$"))
    assert phone.get_by_label("Treatment").input_value() == ""
