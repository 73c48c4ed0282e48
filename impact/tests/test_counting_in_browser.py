"""What a reader's browser sends to count a reading, with JavaScript and without, in Debian's Chromium;
and what staff read of it: the report, its charts and the way to it from a guide."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from impact.counting import flush
from impact.models import DailyFigures
from impact.tests.support import CHROME, a_request, noon
from tests.browser.staff import docs_shot, no_problems, sign_in, staff_member
from tests.browser.support import axe_violations
from tests.support import GUIDE_URL

pytestmark = pytest.mark.browser


def counted_today(guide):
    flush()
    row = DailyFigures.objects.filter(guide=guide, date=timezone.localdate()).first()
    return (row.views, row.readers, row.reached_end) if row else (0, 0, 0)


def reader(chromium, javascript=True, agent=CHROME):
    """A reader's browser, naming itself as a browser does (Playwright's own says "HeadlessChrome")."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=javascript, user_agent=agent
    )
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return context, page


def is_count(event, guide):
    return lambda response: response.url.endswith(f"/count/{guide.pk}/{event}")


def nothing_kept_on_the_device(context, page):
    stored = page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]")
    return context.cookies() == [] and stored == [0, 0, ""]


def test_with_javascript_a_view_is_counted_and_the_end_when_the_reader_gets_there(site, chromium):
    from pages.models import GuidePage

    guide = GuidePage.objects.get()
    context, page = reader(chromium)
    with page.expect_response(is_count("view", guide)) as view:
        page.goto(site + GUIDE_URL)
    assert view.value.status == 204 and view.value.request.method == "POST"
    # Not yet at the end: nothing more is sent.
    page.wait_for_timeout(500)
    assert counted_today(guide) == (1, 1, 0)
    with page.expect_response(is_count("end", guide)) as end:
        page.locator(".reading-counter").scroll_into_view_if_needed()
    assert end.value.status == 204
    assert counted_today(guide) == (1, 1, 1)
    # Reading on, and back up and down again, sends nothing more; a reload is a view, the same reader.
    page.locator(".guide-credits").scroll_into_view_if_needed()
    page.locator("h1").scroll_into_view_if_needed()
    page.locator(".reading-counter").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    with page.expect_response(is_count("view", guide)):
        page.reload()
    assert counted_today(guide) == (2, 1, 1)
    assert nothing_kept_on_the_device(context, page)
    assert no_problems(page) == []
    context.close()


def test_without_javascript_the_image_counts_a_view_but_never_the_end(site, chromium):
    from pages.models import GuidePage

    guide = GuidePage.objects.get()
    context, page = reader(chromium, javascript=False)
    with page.expect_response(is_count("view", guide)) as view:
        page.goto(site + GUIDE_URL)
    assert view.value.status == 204 and view.value.request.method == "GET"
    # The image is not drawn: nothing shows where it stands.
    assert page.locator(".reading-counter__image").count() == 1
    assert not page.locator(".reading-counter__image").is_visible()
    page.locator(".guide-credits").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert counted_today(guide) == (1, 1, 0)
    assert context.cookies() == []
    assert page.problems == []
    context.close()


def test_the_browser_that_names_itself_headless_is_not_counted(site, chromium):
    from pages.models import GuidePage

    guide = GuidePage.objects.get()
    context = chromium.new_context()
    page = context.new_page()
    assert "HeadlessChrome" in page.evaluate("navigator.userAgent")
    with page.expect_response(is_count("view", guide)) as view:
        page.goto(site + GUIDE_URL)
    assert view.value.status == 204
    with page.expect_response(is_count("end", guide)):
        page.locator(".reading-counter").scroll_into_view_if_needed()
    assert counted_today(guide) == (0, 0, 0)
    context.close()


# --- what staff read ---------------------------------------------------------------------------------


def twelve_weeks_of_reading(guide):
    """Figures for every day of the last 84, as a guide's would look; the views of the last 30 days."""
    from feedback.models import GuideFeedback

    today = timezone.localdate()
    last_30_views = 0
    for back in range(84):
        day = today - datetime.timedelta(days=back)
        views = 40 + (back * 7) % 23 - back // 6
        readers = views * 3 // 4
        DailyFigures.objects.create(guide=guide, date=day, views=views, readers=readers, reached_end=readers * 2 // 5)
        last_30_views += views if back < 30 else 0
        if back % 3 == 0:
            GuideFeedback.objects.create(guide=guide, helpful=back % 9 != 0, received_at=noon(day))
        if back % 10 == 4:
            a_request(guide, day)
    return last_30_views


def test_a_moderator_reads_the_guide_impact_report_and_its_charts(site, chromium):
    from pages.models import GuidePage

    guide = GuidePage.objects.get()
    last_30_views = twelve_weeks_of_reading(guide)
    staff_member("maria", "Moderators", first_name="María")
    # Tall enough for the whole report in one picture (the admin scrolls its content, not the page).
    page = sign_in(chromium, site, "maria", viewport={"width": 1400, "height": 1250})
    # From the guide's own page in the admin, as a moderator would look at one guide…
    page.goto(f"{site}/admin/pages/{guide.pk}/edit/")
    page.get_by_role("navigation", name="Actions", exact=True).get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Guide impact").click()
    page.wait_for_url(f"{site}/admin/reports/guide-impact/{guide.pk}/")
    expect(page.get_by_role("heading", level=2, name=guide.title)).to_be_visible()
    # …and every guide, from the Reports menu.
    page.goto(f"{site}/admin/")
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("list", name="Reports").get_by_role("link", name="Guide impact").click()
    page.wait_for_url(f"{site}/admin/reports/guide-impact/")
    periods = page.locator("table.impact-periods")
    views_row = periods.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Views", exact=True))
    expect(views_row.get_by_role("cell").first).to_have_text(f"{last_30_views:,}")
    charts = page.locator("figure.impact-charts__chart svg")
    expect(charts).to_have_count(5)
    for index in range(5):
        expect(charts.nth(index)).to_be_visible()
        box = charts.nth(index).bounding_box()
        assert box["width"] >= 250 and box["height"] >= 100, box
    # Each week's bar stands above the axis: the chart drew twelve weeks of views.
    assert charts.first.locator("rect").count() == 12
    # The same figures in a table for screen readers (visually hidden).
    weeks = page.get_by_role("table", name=f"{guide.title}: the same figures week by week, oldest first")
    expect(weeks.get_by_role("row")).to_have_count(13)
    count, report = axe_violations(page)
    assert count == 0, report
    docs_shot(page, "guide-impact-report")  # docs/impact.md and the README show it (`make screenshots`)
    assert no_problems(page) == []
    page.context.close()
