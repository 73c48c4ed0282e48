"""What patients search for: counted by term and day, reported by month, promoted guides first."""

import datetime
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import Locale

from pages.models import GuidePage
from searches.models import SearchCount, SearchWithoutResults
from tests.support import normalise


def result_titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [normalise(a.get_text()) for a in soup.select(".search-results__title a")]


def test_each_search_is_counted_once_by_its_words_and_day(client, guide):
    client.get("/search/?q=Perforin")
    client.get("/search/?q=perforin++")
    client.get("/search/?q=perforin&page=1")  # another page of the same search: not counted again
    client.get("/search/?q=")
    query = Query.objects.get()
    assert query.query_string == "perforin"
    assert list(QueryDailyHits.objects.values_list("date", "hits")) == [(timezone.localdate(), 2)]
    assert not SearchWithoutResults.objects.exists()


def test_a_search_in_the_clinics_evening_is_counted_on_the_clinics_day(client, guide, monkeypatch):
    # 20:00 in Los Cabos on 6 December is already 7 December in UTC.
    evening = datetime.datetime(2026, 12, 6, 20, 0, tzinfo=zoneinfo.ZoneInfo("America/Mazatlan"))
    monkeypatch.setattr(timezone, "now", lambda: evening.astimezone(datetime.UTC))  # as Django's clock gives it
    client.get("/search/?q=perforin")
    client.get("/search/?q=dental+implants")
    the_6th = datetime.date(2026, 12, 6)
    assert set(QueryDailyHits.objects.values_list("date", flat=True)) == {the_6th}
    assert set(SearchCount.objects.values_list("date", flat=True)) == {the_6th}
    assert list(SearchWithoutResults.objects.values_list("date", flat=True)) == [the_6th]


def test_a_search_that_finds_nothing_is_counted_as_such(client, guide):
    for _ in range(3):
        client.get("/search/?q=dental+implants")
    counted = SearchWithoutResults.objects.get()
    assert (counted.query.query_string, counted.date, counted.hits) == ("dental implants", timezone.localdate(), 3)


def test_the_search_page_stays_uncached_and_sets_no_cookie(client, guide):
    for _ in range(2):
        response = client.get("/search/?q=perforin", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Phone")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        assert not response.cookies
    # What is kept: the words, a day and counts; nothing that could say who searched.
    assert {field.name for field in Query._meta.get_fields()} >= {"query_string"}
    assert {field.name for field in SearchWithoutResults._meta.get_fields()} == {
        "id",
        "query",
        "locale",
        "date",
        "hits",
    }
    assert {field.name for field in SearchCount._meta.get_fields()} == {"id", "query", "locale", "date", "hits"}
    assert {field.name for field in QueryDailyHits._meta.get_fields()} == {"id", "query", "date", "hits"}
    stored = " ".join(str(value) for row in QueryDailyHits.objects.values() for value in row.values())
    assert "198.51.100.7" not in stored and "Phone" not in stored


def test_a_promoted_guide_shows_first(client, guide):
    other = guide.copy(update_attrs={"slug": "nk-cells-again", "title": "NK cells, a second guide"})
    assert other.live
    titles = result_titles(client.get("/search/?q=perforin"))
    assert set(titles) == {guide.title, other.title}

    SearchPromotion.objects.create(query=Query.get("perforin"), page=other, sort_order=0)
    response = client.get("/search/?q=Perforin")
    assert result_titles(response) == [other.title, guide.title]  # first, and not listed twice
    assert "2 guides found." in normalise(BeautifulSoup(response.content, "html.parser").get_text(" "))


def test_a_promoted_guide_is_found_for_a_term_that_finds_nothing_else(client, guide):
    SearchPromotion.objects.create(query=Query.get("immune boost"), page=guide, sort_order=0)
    response = client.get("/search/?q=immune+boost")
    assert result_titles(response) == [guide.title]
    assert "1 guide found." in normalise(BeautifulSoup(response.content, "html.parser").get_text(" "))
    assert not SearchWithoutResults.objects.exists()
    # An unpublished guide is never shown, promoted or not.
    guide.unpublish()
    assert result_titles(client.get("/search/?q=immune+boost")) == []


# --- the "Searches" report and who sees it --------------------------------------------------------


def count(term, day, hits, found=True, language=settings.LANGUAGE_CODE):
    query = Query.get(term)
    locale, _ = Locale.objects.get_or_create(language_code=language)
    QueryDailyHits.objects.create(query=query, date=day, hits=hits)
    SearchCount.objects.create(query=query, locale=locale, date=day, hits=hits)
    if not found:
        SearchWithoutResults.objects.create(query=query, locale=locale, date=day, hits=hits)


@pytest.fixture
def searched(db):
    count("nk cells", datetime.date(2026, 10, 3), 5)
    count("nk cells", datetime.date(2026, 10, 20), 2)
    count("side effects", datetime.date(2026, 10, 4), 4)
    count("dental implants", datetime.date(2026, 10, 5), 3, found=False)
    count("<b>price</b>", datetime.date(2026, 11, 1), 1, found=False)


def table(soup, table_id):
    return [[normalise(cell.get_text()) for cell in row.select("td")] for row in soup.select(f"#{table_id} tbody tr")]


def test_the_report_shows_frequent_terms_and_those_that_found_nothing_by_month(make_staff, searched):
    _, client = make_staff("Editors")
    response = client.get("/admin/reports/searches/?month=2026-10")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert table(soup, "searches-frequent") == [
        ["nk cells", "English", "7"],
        ["side effects", "English", "4"],
        ["dental implants", "English", "3"],
    ]
    # Editors do not keep synonyms, so the synonyms column has no "Add a synonym" for them.
    assert table(soup, "searches-without-results") == [["dental implants", "English", "3", ""]]
    # The newest month by default; patients' words are shown as text.
    soup = BeautifulSoup(client.get("/admin/reports/searches/").content, "html.parser")
    assert table(soup, "searches-without-results") == [["<b>price</b>", "English", "1", ""]]
    assert soup.select_one("#searches-without-results b") is None
    assert [normalise(a.get_text()) for a in soup.select("nav[aria-label=Months] a")] == ["October 2026"]


def test_a_month_that_is_not_one_is_named(make_staff, searched):
    _, client = make_staff("Moderators")
    response = client.get("/admin/reports/searches/?month=October")
    assert response.status_code == 400
    assert "“October” is not a month" in response.content.decode()


@pytest.mark.parametrize("group, sees", [("Editors", True), ("Moderators", True), ("Medical reviewers", False)])
def test_who_sees_the_searches(make_staff, searched, group, sees):
    _, client = make_staff(group)
    response = client.get("/admin/reports/searches/")
    assert (response.status_code == 200) is sees
    assert (b"/admin/reports/searches/" in client.get("/admin/").content) is sees


@pytest.mark.parametrize("group, promotes", [("Moderators", True), ("Editors", False), ("Medical reviewers", False)])
def test_moderators_promote_guides_for_a_term(make_staff, guide, group, promotes):
    _, client = make_staff(group)
    response = client.get("/admin/searchpicks/add/")
    assert (response.status_code == 200) is promotes
    if promotes:
        data = {
            "query_string": "cell therapy cost",
            "editors_picks-TOTAL_FORMS": "1",
            "editors_picks-INITIAL_FORMS": "0",
            "editors_picks-MIN_NUM_FORMS": "0",
            "editors_picks-MAX_NUM_FORMS": "1000",
            "editors_picks-0-page": str(guide.pk),
            "editors_picks-0-external_link_url": "",
            "editors_picks-0-external_link_text": "",
            "editors_picks-0-description": "",
            "editors_picks-0-ORDER": "0",
        }
        response = client.post("/admin/searchpicks/add/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert result_titles(Client().get("/search/?q=cell+therapy+cost")) == [GuidePage.objects.get().title]


def test_people_without_the_permission_and_the_public_do_not_see_searches(client, searched):
    user = get_user_model().objects.create_user("other", "o@example.com", "a-long-password")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    staff = Client()
    staff.force_login(user)
    assert staff.get("/admin/reports/searches/").status_code in (302, 403)
    response = client.get("/admin/reports/searches/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_searching_adds_nothing_to_any_cached_page(client, guide):
    pages = ["/", "/guides/", "/guides/nk-cell-therapy/"]
    before = {path: client.get(path) for path in pages}
    client.get("/search/?q=perforin", REMOTE_ADDR="198.51.100.9")
    client.get("/search/?q=nothing+like+this", REMOTE_ADDR="198.51.100.9")
    for path in pages:
        after = Client().get(path, REMOTE_ADDR="203.0.113.77")
        assert after["X-Page-Cache"] == "hit", path
        assert after.content == before[path].content, path
        assert not after.cookies and not before[path].cookies


def test_searches_are_counted_and_reported_per_language(client, seeded, make_staff):
    for url in ("/search/?q=perforin", "/es/search/?q=perforin", "/es/search/?q=perforin", "/es/search/?q=cancer"):
        client.get(url)
    counts = {
        (row.query.query_string, row.locale.language_code): row.hits
        for row in SearchCount.objects.select_related("query", "locale")
    }
    assert counts == {("perforin", settings.LANGUAGE_CODE): 1, ("perforin", "es"): 2, ("cancer", "es"): 1}
    # Nothing in Spanish yet: each Spanish search found nothing, and is counted as Spanish.
    without = {
        (row.query.query_string, row.locale.language_code): row.hits for row in SearchWithoutResults.objects.all()
    }
    assert without == {("perforin", "es"): 2, ("cancer", "es"): 1}

    _, staff = make_staff("Editors")
    soup = BeautifulSoup(staff.get("/admin/reports/searches/").content, "html.parser")
    assert [cell.get_text() for cell in soup.select("#searches-frequent th")] == ["Term", "Language", "Searches"]
    assert table(soup, "searches-frequent") == [
        ["perforin", "Español", "2"],
        ["cancer", "Español", "1"],
        ["perforin", "English", "1"],
    ]
    assert table(soup, "searches-without-results") == [["perforin", "Español", "2", ""], ["cancer", "Español", "1", ""]]
