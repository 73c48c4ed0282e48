"""A patient who mistypes follows "Did you mean" to the section that answers; a Moderator gives patients'
words a synonym from the searches report. In Chromium, as each of them does it."""

import pytest
from playwright.sync_api import expect
from wagtail.models import Locale

from searches.models import Synonym
from tests.browser.staff import docs_shot, no_problems, sign_in, staff_member, success_message
from tests.browser.support import axe_violations, shot
from tests.support import GUIDE_URL

pytestmark = pytest.mark.browser

SAFETY_SECTION = "Ensuring Safety, Quality, and Choosing a Clinic"


def search_from_the_header(page, words):
    page.locator("header").get_by_role("searchbox", name="Search the guides").fill(words)
    page.locator("header").get_by_role("button", name="Search").click()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["desktop", "phone"]
)
def test_a_patient_mistypes_follows_did_you_mean_and_reaches_the_section(site, chromium, viewport):
    page = chromium.new_context(viewport=viewport).new_page()
    page.goto(site + GUIDE_URL)
    search_from_the_header(page, "side efects")
    page.wait_for_url("**/search/?q=side+efects")
    status = page.get_by_role("status")
    expect(status).to_contain_text("No guides matched “side efects”.")
    expect(status).to_contain_text("Did you mean side effects?")
    shot(page, f"search-did-you-mean-{viewport['width']}")
    count, report = axe_violations(page)
    assert count == 0, report

    page.get_by_role("link", name="side effects", exact=True).click()
    page.wait_for_url("**/search/?q=side%20effects")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “side effects”")
    expect(page.get_by_role("status")).to_have_text("1 guide found.")
    result = page.locator(".search-results__item")
    expect(result.locator(".search-results__excerpt mark")).to_have_text(["side effects"])
    expect(result.locator(".search-results__excerpt")).to_contain_text(
        "While side effects from NK cell therapy are generally mild and temporary"
    )
    shot(page, f"search-passage-{viewport['width']}", full_page=True)
    count, report = axe_violations(page)
    assert count == 0, report

    result.get_by_role("link", name=SAFETY_SECTION).click()
    page.wait_for_url(f"**{GUIDE_URL}#ensuring-safety-quality-and-choosing-a-clinic")
    expect(page.get_by_role("heading", level=2, name=SAFETY_SECTION)).to_be_in_viewport()
    shot(page, f"search-section-reached-{viewport['width']}")
    page.context.close()


def test_a_moderator_adds_a_synonym_from_the_searches_report_and_patients_words_find_the_guide(site, chromium):
    reader = chromium.new_context().new_page()
    reader.goto(site + "/search/?q=recuperation")
    expect(reader.get_by_role("status")).to_contain_text("No guides matched “recuperation”.")

    staff_member("mo", "Moderators")
    page = sign_in(chromium, site, "mo")
    page.get_by_role("navigation", name="Main menu").get_by_role("button", name="Reports").click()
    page.get_by_role("list", name="Reports").get_by_role("link", name="Searches", exact=True).click()
    row = page.locator("#searches-without-results").get_by_role("row").filter(has_text="recuperation")
    expect(row).to_contain_text("1")
    shot(page, "searches-report-add-a-synonym", full_page=True)
    row.get_by_role("link", name="Add a synonym for “recuperation”").click()

    expect(page.get_by_label("Patients' words")).to_have_value("recuperation")
    expect(page.get_by_label("Language")).to_have_value(str(Locale.get_default().pk))
    page.get_by_label("The guides' words").fill("downtime")
    docs_shot(page, "search-synonym-from-the-report")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(site + "/admin/search-synonyms/")
    expect(success_message(page)).to_contain_text("created")
    expect(page.get_by_role("row").filter(has_text="recuperation")).to_contain_text("downtime")
    assert list(Synonym.objects.values_list("term", "means")) == [("recuperation", "downtime")]

    page.goto(site + "/admin/reports/searches/")
    expect(row).to_contain_text("Also finds “downtime”.")
    assert no_problems(page) == []
    page.context.close()

    reader.goto(site + "/search/?q=recuperation")
    expect(reader.get_by_role("status")).to_have_text("1 guide found.")
    expect(reader.locator(".search-results__excerpt mark")).to_have_text(["downtime"])
    reader.context.close()
