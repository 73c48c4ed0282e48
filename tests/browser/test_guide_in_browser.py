import datetime

import pytest
from django.utils import timezone

from pages.models import GuidePage
from tests.browser.support import axe_violations, shot

pytestmark = pytest.mark.browser

GUIDE = "/guides/nk-cell-therapy/"


def test_the_guide_fits_a_360px_phone_and_tables_label_each_cell(site, phone):
    phone.goto(site + GUIDE)
    assert phone.locator("h1").inner_text() == "A Patient's Guide to NK Cell Therapy"
    # Nothing forces sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    cell = phone.locator("table.comparison-table td[data-label^='Allogeneic']").first
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"Allogeneic Therapy (Donor Cells)"'
    # Still a table to assistive technology: the header row exists in the accessibility tree.
    assert phone.get_by_role("columnheader", name="Feature").count() == 1
    assert phone.get_by_role("rowheader", name="Cell Source").count() == 1


def test_faq_answers_open_by_keyboard(site, phone):
    phone.goto(site + GUIDE)
    question = phone.locator("summary", has_text="Is the Treatment Painful?")
    answer = phone.get_by_text("A significant advantage of NK cell therapy is that there is virtually no downtime.")
    assert not answer.is_visible()
    question.focus()
    phone.keyboard.press("Enter")
    assert answer.is_visible()
    phone.keyboard.press("Space")
    assert not answer.is_visible()


def test_the_guide_works_with_javascript_off_and_asks_nothing_of_other_sites(site, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site + GUIDE)
    page.locator("summary", has_text="How Soon Can I Expect to See Results?").click()
    assert page.get_by_text("The true work of NK cell therapy occurs at a cellular level").is_visible()
    page.get_by_role("link", name="Comparing Autologous and Allogeneic Options").click()
    assert page.url.endswith("#comparing-autologous-and-allogeneic-options")
    assert requests and all(url.startswith(site) for url in requests)
    context.close()


def test_a_guide_past_its_review_date_says_so_before_its_first_words(site, phone):
    guide = GuidePage.objects.get()
    guide.last_reviewed = timezone.localdate() - datetime.timedelta(days=500)
    guide.save_revision().publish()
    phone.goto(site + GUIDE)
    notice = phone.get_by_role("note")
    assert notice.is_visible()
    assert notice.inner_text().startswith("This guide is due for its regular medical review.")
    # Read before the introduction, right under the title and reading time.
    assert notice.bounding_box()["y"] < phone.locator(".guide__introduction").bounding_box()["y"]
    count, report = axe_violations(phone)
    assert count == 0, report
    shot(phone, "guide-review-overdue")
