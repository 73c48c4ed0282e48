"""What search engines, sharing and printing read: JSON-LD, meta tags, sitemap, robots, errors."""

import datetime
import gzip
import json
import re
import zoneinfo
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from pages.models import ClinicSettings, GuidePage
from tests.support import GUIDE_URL, normalise

BASE = "http://testserver"


def json_ld(soup):
    return {
        item["@type"]: item
        for item in (json.loads(s.string) for s in soup.select('script[type="application/ld+json"]'))
    }


def test_json_ld_says_what_the_page_shows(soup):
    data = json_ld(soup)
    assert set(data) == {"MedicalWebPage", "FAQPage", "BreadcrumbList"}
    page = data["MedicalWebPage"]
    guide = GuidePage.objects.get()

    assert page["name"] == normalise(soup.h1.get_text())
    assert page["description"] == soup.select_one('meta[name="description"]')["content"]
    assert page["url"] == soup.select_one('link[rel="canonical"]')["href"] == BASE + GUIDE_URL
    assert page["inLanguage"] == "en-US" and soup.html["lang"] == "en-US"
    credits = soup.select_one(".guide-credits")
    assert page["lastReviewed"] == credits.select_one("time")["datetime"] == "2025-08-26"
    assert page["datePublished"] == guide.first_published_at.isoformat()
    assert page["dateModified"] == guide.last_published_at.isoformat()
    shown_people = [normalise(n.get_text()) for n in credits.select(".person__name")]
    for key, shown in zip(["author", "reviewedBy"], shown_people, strict=True):
        person = page[key]
        assert person["@type"] == "Person"
        assert shown == f"{person['name']}, {person['honorificSuffix']}"
        assert person["jobTitle"] in normalise(credits.get_text(" "))
    assert page["reviewedBy"]["name"] == "Dr. Félix Porras" and page["reviewedBy"]["jobTitle"].startswith(
        "Medical Director"
    )
    assert page["author"]["name"] == "Dr. Kirk Sanford"
    assert page["about"] == {"@type": "MedicalTherapy", "name": "NK cell therapy"}
    assert page["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    clinic = normalise(soup.select_one(".site-header__name").get_text())
    assert page["publisher"] == {"@type": "MedicalOrganization", "name": clinic, "url": BASE + "/"}


def test_json_ld_faq_matches_the_questions_and_answers_on_the_page(soup):
    faq = json_ld(soup)["FAQPage"]["mainEntity"]
    shown = [
        (normalise(item.summary.get_text()), normalise(item.select_one(".faq-item__answer").get_text(" ")))
        for item in soup.select("details.faq-item")
    ]
    assert len(faq) == len(shown) == 4
    assert [(q["name"], normalise(q["acceptedAnswer"]["text"])) for q in faq] == shown


def test_json_ld_breadcrumbs_match_the_visible_breadcrumbs(soup):
    crumbs = json_ld(soup)["BreadcrumbList"]["itemListElement"]
    visible = soup.select("nav.breadcrumbs li")
    assert (
        [c["name"] for c in crumbs]
        == [normalise(li.get_text()) for li in visible]
        == [
            "Home",
            "All guides",
            "A Patient's Guide to NK Cell Therapy",
        ]
    )
    assert [c["item"] for c in crumbs[:-1]] == [BASE + a["href"] for a in soup.select("nav.breadcrumbs a")]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert visible[-1].select_one("[aria-current=page]")


def test_json_ld_cannot_break_out_of_its_script(client, seeded):
    guide = GuidePage.objects.get()
    guide.summary = "</script><script>alert(1)</script>"
    guide.save_revision().publish()
    html = client.get(GUIDE_URL).content.decode()
    assert "<script>alert(1)" not in html
    data = json_ld(BeautifulSoup(html, "html.parser"))
    assert data["MedicalWebPage"]["description"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize("path", ["/", "/guides/", GUIDE_URL])
def test_every_page_has_description_canonical_open_graph_and_twitter_tags(client, seeded, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    description = soup.select_one('meta[name="description"]')["content"]
    assert description.strip()
    assert soup.select_one('link[rel="canonical"]')["href"] == BASE + path
    og = {m["property"]: m["content"] for m in soup.select("meta[property^='og:']")}
    assert og["og:title"] and og["og:description"] == description and og["og:url"] == BASE + path
    assert og["og:site_name"] == "Longevity Medical Institute" and og["og:locale"] == "en_US"
    assert og["og:type"] == ("article" if path == GUIDE_URL else "website")
    twitter = {m["name"]: m["content"] for m in soup.select("meta[name^='twitter:']")}
    assert twitter["twitter:card"] == "summary" and twitter["twitter:description"] == description


def test_guide_description_is_its_summary(soup):
    assert soup.select_one('meta[name="description"]')["content"] == GuidePage.objects.get().summary


def test_sitemap_lists_every_public_page_with_lastmod(client, seeded):
    guide = GuidePage.objects.get()
    hidden = guide.copy(update_attrs={"slug": "private-copy", "title": "Private copy"})
    hidden.save_revision().publish()
    PageViewRestriction.objects.create(page=hidden, restriction_type="password", password="x")
    draft = guide.copy(update_attrs={"slug": "draft-copy", "title": "Draft copy", "live": False})
    assert not draft.live

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ElementTree.fromstring(response.content).findall("s:url", namespace)
    locations = {url.find("s:loc", namespace).text: url.find("s:lastmod", namespace).text for url in urls}
    assert set(locations) == {
        BASE + "/",
        BASE + "/guides/",
        BASE + GUIDE_URL,
        BASE + "/consultation/",
        BASE + "/privacy/",
        # The Spanish home page, list of guides, consultation form and privacy notice (fixtures/site.yaml).
        BASE + "/es/",
        BASE + "/es/guias/",
        BASE + "/es/consulta/",
        BASE + "/es/aviso-de-privacidad/",
    }
    assert locations[BASE + GUIDE_URL] == timezone.localdate(guide.last_published_at).isoformat()


def test_sitemap_dates_a_change_by_the_clinics_day(client, seeded):
    # Published at 20:00 in Los Cabos on 6 December, which is already 7 December in UTC.
    evening = datetime.datetime(2026, 12, 6, 20, 0, tzinfo=zoneinfo.ZoneInfo("America/Mazatlan"))
    GuidePage.objects.update(last_published_at=evening.astimezone(datetime.UTC))  # stored in UTC
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ElementTree.fromstring(client.get("/sitemap.xml").content).findall("s:url", namespace)
    lastmod = {url.find("s:loc", namespace).text: url.find("s:lastmod", namespace).text for url in urls}
    assert lastmod[BASE + GUIDE_URL] == "2026-12-06"


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client, seeded):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_404_page_is_branded_with_search_and_a_way_home(client, seeded):
    response = client.get("/guides/nothing-here/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Page not found"
    assert soup.select_one("main form[role=search]") and soup.select_one("main a[href='/']")


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_500_page_is_branded_and_needs_no_database(client, seeded, django_assert_num_queries):
    client.raise_request_exception = False
    # Nothing on the way to the failing view, nor the 500 page itself, may touch the database.
    with django_assert_num_queries(0):
        response = client.get("/deliberate-failure/")
    assert response.status_code == 500
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == "Something went wrong"
    assert soup.select_one("form[role=search]") and soup.select_one("a[href='/']")
    assert "Traceback" not in html and "SECRET_KEY" not in html and "deliberate failure" not in html


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_500_page_renders_with_the_database_unreachable(client, seeded):
    client.raise_request_exception = False
    settings_dict = connection.settings_dict
    original = dict(settings_dict)
    connection.close()
    try:
        settings_dict["NAME"] = "/nonexistent-directory/unreachable.sqlite3"
        settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", "1"
        from lmi_site.views import server_error

        response = server_error(None)
    finally:
        settings_dict.clear()
        settings_dict.update(original)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_print_stylesheet_is_linked_and_hides_navigation(client, soup):
    link = soup.select_one("link[rel=stylesheet][media=print]")
    response = client.get(link["href"])
    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode()
    assert ".site-header" in css and ".search-form" in css and "display: none" in css
    assert "details::details-content" in css
    assert 'content: " (" attr(href) ")"' in css
    assert "break-inside: avoid" in css


def test_guide_page_weight_budget(client, soup, guide_html):
    """HTML, CSS and JavaScript of the guide, gzip-compressed, weigh at most 40 KB together."""
    assets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assets += [script["src"] for script in soup.select("script[src]")]
    total = len(gzip.compress(guide_html.encode()))
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by this site"
        total += len(gzip.compress(b"".join(client.get(asset).streaming_content)))
    assert total <= 40 * 1024, f"{total} bytes"
    # Nothing from another origin: every address the page loads is this site's.
    for element in soup.select("[src], link[href]"):
        url = element.get("src") or element.get("href")
        if element.name == "link" and element.get("rel") in (["canonical"],):
            continue
        assert not re.match(r"^(https?:)?//", url), url


def test_reading_time_is_estimated_from_the_words_on_the_page(soup):
    article = soup.select_one("article")
    for notice in article.select(".review-overdue"):
        notice.decompose()  # the site's own words about the review, not the guide's
    words = len(article.get_text(" ").split())
    shown = re.search(r"About (\d+) minutes to read", soup.select_one(".guide__meta").get_text())
    assert shown
    assert abs(int(shown.group(1)) - words / 200) <= 1.5


def test_clinic_name_comes_from_the_settings(client, seeded):
    clinic = ClinicSettings.load()
    clinic.clinic_name = "A Renamed Clinic"
    clinic.save()
    soup = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser")
    assert normalise(soup.select_one(".site-header__name").get_text()) == "A Renamed Clinic"
    assert json_ld(soup)["MedicalWebPage"]["publisher"]["name"] == "A Renamed Clinic"
