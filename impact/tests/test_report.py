"""What staff see of the figures: who may, the report's spreadsheet, each guide's link to its figures,
the dashboard's top line and the figures on "Mark as reviewed"."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from impact.models import DailyFigures
from impact.tests.support import a_request, noon, periods_table
from pages.models import Person
from tests.support import normalise

REPORT = "/admin/reports/guide-impact/"
STAFF_WHO_SEE_IT = ["Editors", "Medical reviewers", "Moderators", "Patient coordinators"]


def report_of(guide):
    return f"{REPORT}{guide.pk}/"


@pytest.fixture
def known_figures(guide):
    """Reading on two days in the last 30, and one in the 30 before; answers and a request."""
    from feedback.models import GuideFeedback

    today = timezone.localdate()
    DailyFigures.objects.create(
        guide=guide, date=today - datetime.timedelta(days=40), views=7, readers=5, reached_end=1
    )
    DailyFigures.objects.create(
        guide=guide, date=today - datetime.timedelta(days=3), views=20, readers=12, reached_end=3
    )
    DailyFigures.objects.create(guide=guide, date=today, views=10, readers=8, reached_end=3)
    GuideFeedback.objects.create(guide=guide, helpful=True, received_at=noon(today - datetime.timedelta(days=2)))
    GuideFeedback.objects.create(guide=guide, helpful=False, received_at=noon(today - datetime.timedelta(days=35)))
    a_request(guide, today - datetime.timedelta(days=1))
    return today


# --- who sees it --------------------------------------------------------------------------------


@pytest.mark.parametrize("group", STAFF_WHO_SEE_IT)
def test_the_report_is_in_reports_for_everyone_who_works_on_guides_and_coordinators(make_staff, guide, group):
    _, client = make_staff(group)
    dashboard = client.get("/admin/").content.decode()
    assert "Guide impact" in dashboard and REPORT in dashboard  # the menu item and the panel's link
    response = client.get(REPORT)
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one("section.impact-guide h2").get_text(
        strip=True
    ) == (guide.title)
    assert client.get(report_of(guide)).status_code == 200
    # A link to edit the guide for those who may; coordinators may not (no page permission).
    edit_link = BeautifulSoup(response.content, "html.parser").find("a", href=f"/admin/pages/{guide.pk}/edit/")
    assert (edit_link is not None) == (group != "Patient coordinators")


def test_staff_without_the_permission_neither_see_nor_reach_it(db, guide):
    user = get_user_model().objects.create_user("outsider", "o@example.com", "a-long-password")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(user)
    assert REPORT not in client.get("/admin/").content.decode()
    for url in (REPORT, report_of(guide), f"{REPORT}?export=csv", f"{report_of(guide)}?export=xlsx"):
        # Wagtail answers a refused admin page by sending the person to the dashboard, with a message.
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
    anonymous = Client().get(REPORT)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")


# --- the report, its spreadsheet and each guide's page -------------------------------------------


def test_each_guide_has_a_page_of_its_own_linked_from_its_editor(make_staff, guide, known_figures):
    _, client = make_staff("Moderators")
    edit = BeautifulSoup(client.get(f"/admin/pages/{guide.pk}/edit/").content, "html.parser")
    link = edit.find("a", href=report_of(guide))
    assert link is not None and normalise(link.get_text()) == "Guide impact"
    page = BeautifulSoup(client.get(report_of(guide)).content, "html.parser")
    assert [h2.get_text(strip=True) for h2 in page.select("section.impact-guide h2")] == [guide.title]
    assert page.find("a", href=REPORT) is not None  # back to every guide, in the breadcrumbs
    cells = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
        for row in page.select("table.impact-periods tbody tr")
    }
    # Counting began 40 days ago: the 30 days before and the last 90 are marked as counted from then.
    assert cells["Views"] == ["30", "7 *", "37 *", "Not counted yet"]
    assert cells["Reached the end"][0] == "30% (6 of 20 readers)"
    assert cells["Found it helpful"][:2] == ["100% (1 of 1 answers)", "0% (0 of 1 answers)"]
    assert cells["Consultation requests"] == ["1", "0", "1", "0"]
    assert client.get(f"{REPORT}999999/").status_code == 404


def test_the_charts_are_inline_svg_with_no_script_or_inline_style(make_staff, guide, known_figures):
    _, client = make_staff("Editors")
    soup = BeautifulSoup(client.get(REPORT).content, "html.parser")
    charts = soup.select("section.impact-guide figure svg")
    assert len(charts) == 5
    for svg in charts:
        assert svg["aria-hidden"] == "true"
        assert not svg.select("script, style, foreignObject, [style]")
        assert not [name for element in svg.find_all(True) for name in element.attrs if name.startswith("on")]
    captions = [figure.figcaption.get_text() for figure in soup.select("section.impact-guide figure")]
    assert captions == [
        "Views, week by week",
        "Readers, week by week",
        "Reached the end, week by week (% of readers)",
        "Found it helpful, week by week (% of answers)",
        "Consultation requests, week by week",
    ]
    # This week's bar for reached the end: 6 of 20 readers; the week before, none.
    figures = soup.select("section.impact-guide figure")[2].select("text.impact-chart__figure")
    assert [label.get_text() for label in figures[-2:]] == ["–", "30"]


def test_the_spreadsheets_hold_the_reports_figures(make_staff, guide, known_figures):
    today = known_figures
    _, client = make_staff("Patient coordinators")
    response = client.get(f"{REPORT}?export=csv")
    assert response.status_code == 200
    assert f'filename="guide-impact-{today.isoformat()}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["Period"] for row in rows] == ["Last 30 days", "30 days before", "Last 90 days", "90 days before"]
    last_30 = rows[0]
    assert last_30["Guide"] == guide.title and last_30["Address"] == "/guides/nk-cell-therapy/"
    assert (last_30["First day"], last_30["Last day"]) == (
        (today - datetime.timedelta(days=29)).isoformat(),
        today.isoformat(),
    )
    assert (last_30["Views"], last_30["Readers"], last_30["Reached the end"]) == ("30", "20", "6")
    assert (last_30["Reached the end (% of readers)"], last_30["Found it helpful (% of answers)"]) == ("30", "100")
    assert (last_30["Found it helpful: yes"], last_30["Found it helpful: no"]) == ("1", "0")
    assert last_30["Consultation requests"] == "1"
    # Not counted is blank, not nought.
    assert rows[3]["Views"] == "" and rows[3]["Found it helpful: yes"] == "0"

    workbook = load_workbook(io.BytesIO(client.get(f"{report_of(guide)}?export=xlsx").getvalue()))
    sheet = list(workbook.active.values)
    assert sheet[0][:7] == ("Guide", "Language", "Address", "Period", "First day", "Last day", "Views")
    assert sheet[1][1] == "English" and sheet[1][3] == "Last 30 days" and sheet[1][6] == 30 and sheet[2][6] == 7


def test_a_guides_title_that_a_spreadsheet_would_run_stays_words(make_staff, guide):
    guide.title = "=HYPERLINK(1)"
    guide.save_revision().publish()
    _, client = make_staff("Moderators")
    text = b"".join(client.get(f"{REPORT}?export=csv").streaming_content).decode()
    assert "'=HYPERLINK(1)" in text


# --- elsewhere in the admin ------------------------------------------------------------------------


def test_the_dashboard_shows_the_months_top_line(make_staff, guide):
    from feedback.models import GuideFeedback

    today = timezone.localdate()
    first = today.replace(day=1)
    last_month = (first - datetime.timedelta(days=1)).replace(day=1)
    same_day = first == today
    if not same_day:
        DailyFigures.objects.create(guide=guide, date=first, views=3, readers=2, reached_end=1)
    DailyFigures.objects.create(guide=guide, date=today, views=5, readers=4, reached_end=1)
    DailyFigures.objects.create(guide=guide, date=last_month, views=9, readers=6, reached_end=3)
    GuideFeedback.objects.create(guide=guide, helpful=True, received_at=noon(today))
    a_request(guide, last_month)
    _, client = make_staff("Medical reviewers")
    panel = BeautifulSoup(client.get("/admin/").content, "html.parser").select_one("#guide-impact-content")
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
        for row in panel.select("tbody tr")
    }
    assert rows["Views"] == ["5" if same_day else "8", "9"]
    assert rows["Readers"] == ["4" if same_day else "6", "6"]
    assert rows["Found it helpful"] == ["100% (1 of 1 answers)", "No answers"]
    assert rows["Consultation requests"] == ["0", "1"]
    headings = [th.get_text(strip=True) for th in panel.select("thead th")]
    assert headings[2] == f"Last month ({last_month:%B %Y})"
    assert panel.find("a", href=REPORT).get_text() == "See each guide's figures"


def test_mark_as_reviewed_shows_the_reading_since_the_last_review_beside_the_feedback(make_staff, guide):
    today = timezone.localdate()
    assert guide.last_reviewed == datetime.date(2025, 8, 26)  # as seeded; never stamped since
    DailyFigures.objects.create(guide=guide, date=today, views=10, readers=8, reached_end=4)
    a_request(guide, datetime.date(2025, 8, 1))  # before the review: not counted
    a_request(guide, today)
    person = Person.objects.get(name="Dr. Félix Porras")
    _, client = make_staff("Medical reviewers", "porras", person=person)
    soup = BeautifulSoup(client.get(f"/admin/guides/{guide.pk}/mark-reviewed/").content, "html.parser")
    feedback = soup.select_one("section.feedback-since-review")
    figures = soup.select_one("section.impact-since-review")
    assert feedback is not None and figures is not None
    assert feedback.find_next_sibling("section") is figures  # beside the feedback
    assert figures.h2.get_text() == "Reading since the last review"
    text = normalise(figures.get_text(" "))
    assert "From 26 August 2025 (the day of the last review) to today" in text
    assert f"reading has been counted only since {today.day} {today:%B %Y}" in text
    rows = {row.th.get_text(strip=True): row.td.get_text(strip=True) for row in figures.select("tr")}
    assert rows == {
        "Views": "10",
        "Readers": "8",
        "Reached the end": "50% (4 of 8 readers)",
        "Consultation requests": "1",
    }
    assert figures.find("a", href=report_of(guide)) is not None


def test_the_seeded_privacy_notice_says_what_is_counted(client, seeded):
    text = normalise(BeautifulSoup(client.get("/privacy/").content, "html.parser").select_one("main").get_text(" "))
    for said in (
        "What we count when you read a guide",
        "how many different readers it had that day",
        "if your browser runs JavaScript, whether you scrolled to the end of the guide",
        "only each day's totals for each guide are kept",
        "a secret that is replaced every day and never stored",
        "your address and browser are not written down anywhere",
        "No cookie is set and nothing is stored on your device",
        "which guide it was",
    ):
        assert said in text, said


def test_the_days_are_the_clinics_whatever_zone_a_member_of_staff_chose(make_staff, guide):
    from wagtail.users.models import UserProfile

    clinic_today = timezone.localdate()  # America/Mazatlan, the site's zone
    DailyFigures.objects.create(guide=guide, date=clinic_today, views=4, readers=3, reached_end=1)
    user, client = make_staff("Moderators")
    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = "Pacific/Kiritimati"  # 21 hours ahead of the clinic: mostly another day
    profile.save()
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(f"{REPORT}?export=csv").streaming_content).decode())))
    assert rows[0]["Last day"] == clinic_today.isoformat()
    assert rows[0]["Views"] == "4"


def test_a_spanish_guide_has_figures_of_its_own_named_with_its_language(make_staff, guide):
    from tests.translations import TEST_TITLE, publish_in_spanish

    spanish = publish_in_spanish(guide)
    today = timezone.localdate()
    DailyFigures.objects.create(guide=spanish, date=today, views=4, readers=3, reached_end=1)
    _, client = make_staff("Medical reviewers")
    soup = BeautifulSoup(client.get(REPORT).content, "html.parser")
    sections = {normalise(s.h2.get_text()): s for s in soup.select("section.impact-guide")}
    assert set(sections) == {guide.title, TEST_TITLE}
    # Its title is marked as Spanish for screen readers; the address line names the language.
    assert sections[TEST_TITLE].h2.select_one("[lang]")["lang"] == "es-MX"
    assert sections[guide.title].h2.select_one("[lang]")["lang"] == "en-US"
    assert normalise(sections[TEST_TITLE].select_one(".impact-guide__address").get_text()).startswith(
        "Español · /es/guias/"
    )
    spanish_views = periods_table(str(soup), TEST_TITLE)["Views"]["Last 30 days"]
    assert (
        spanish_views.startswith("4")
        and periods_table(str(soup), guide.title)["Views"]["Last 30 days"] != spanish_views
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(f"{REPORT}?export=csv").streaming_content).decode())))
    languages = {(row["Guide"], row["Language"]) for row in rows}
    assert languages == {(guide.title, "English"), (TEST_TITLE, "Español")}
