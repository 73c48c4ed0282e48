"""What a Spanish-speaking reader gets around a guide: the frame, dates, links between the languages."""

import datetime
import json
from xml.etree import ElementTree

import polib
import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.utils import translation

from lmi_site.compile_translations import LOCALE_DIR
from tests.support import GUIDE_URL, normalise
from tests.translations import TEST_TITLE, publish_in_spanish

BASE = "http://testserver"
SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"


@pytest.fixture
def spanish_guide(seeded):
    """The guide's Spanish version, published through the Medical review workflow."""
    return publish_in_spanish(last_reviewed=datetime.date(2025, 8, 26))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def english_interface_phrases():
    """The interface's own English words that have a Spanish translation (the catalogue's msgids)."""
    catalogue = polib.pofile(str(LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"))
    phrases = set()
    for entry in catalogue.translated_entries():
        if entry.msgid == entry.msgstr or len(entry.msgid) < 5 or "%" in entry.msgid or "{" in entry.msgid:
            continue  # words spelt alike ("Error:") and templates with blanks are not a sign of English
        phrases.add(entry.msgid)
    return phrases


def test_the_spanish_home_page_is_spanish_and_offers_the_english_guide_labelled_as_english(client, seeded):
    soup = page(client, "/es/")
    assert soup.html["lang"] == "es-MX"
    assert soup.select_one('meta[property="og:locale"]')["content"] == "es_MX"
    assert normalise(soup.select_one(".skip-link").get_text()) == "Ir al contenido principal"
    assert normalise(soup.select_one("h1").get_text()) == "Guías para pacientes"
    assert soup.select_one(".site-header__name")["href"] == "/es/"
    assert [a.get_text() for a in soup.select(".site-nav a")][0] == "Guías"
    assert soup.select_one(".site-nav a")["href"] == "/es/guias/"
    assert soup.select_one("form.search-form")["action"] == "/es/search/"
    # The guide is not in Spanish yet: it is offered in English, saying so, never as Spanish.
    item = soup.select_one(".guide-list__item")
    link = item.select_one("h2 a")
    assert link["href"] == GUIDE_URL and link["lang"] == "en" and link["hreflang"] == "en"
    assert normalise(item.select_one(".guide-list__language").get_text()) == "(en inglés)"
    assert item.select("p")[0]["lang"] == "en"
    # The language link goes to the same page in English.
    switch = soup.select_one(".language-link")
    assert switch["lang"] == "en-US" and switch.a["href"] == "/" and switch.a.get_text() == "English"


def test_an_english_guide_not_yet_in_spanish_says_so_in_spanish_and_leads_to_the_spanish_guides(client, seeded):
    soup = page(client, GUIDE_URL)
    switch = soup.select_one(".language-link")
    assert switch["lang"] == "es-MX"
    assert normalise(switch.get_text()) == "Esta página todavía no está disponible en español. Guías en español"
    assert switch.a["href"] == "/es/" and switch.a["hreflang"] == "es"
    # One language only: no alternates to announce.
    assert soup.select('link[rel="alternate"][hreflang]') == []


def test_a_published_spanish_guide_is_spanish_around_its_content(client, spanish_guide):
    soup = page(client, SPANISH_GUIDE_URL)
    assert soup.html["lang"] == "es-MX"
    assert normalise(soup.select_one("h1").get_text()) == TEST_TITLE
    assert normalise(soup.select_one("#contents-label").get_text()) == "En esta página"
    assert normalise(soup.select_one(".guide__meta").get_text()).startswith("Aproximadamente ")
    assert normalise(soup.select_one(".guide__meta").get_text()).endswith(" minutos de lectura")
    credits = normalise(soup.select_one(".guide-credits dl").get_text(" "))
    assert "Última revisión: 26 de agosto de 2025" in credits
    assert soup.select_one(".guide-credits time")["datetime"] == "2025-08-26"
    assert [normalise(a.get_text()) for a in soup.select(".breadcrumbs a")] == ["Inicio", "Todas las guías"]
    assert [a["href"] for a in soup.select(".breadcrumbs a")] == ["/es/", "/es/guias/"]
    assert normalise(soup.select_one("#feedback-heading").get_text()) == "¿Le fue útil esta guía?"
    assert soup.select_one("form.feedback__form")["action"] == "/es/feedback/"
    data = [json.loads(script.string) for script in soup.select('script[type="application/ld+json"]')]
    assert data[0]["inLanguage"] == "es-MX" and data[0]["url"] == BASE + SPANISH_GUIDE_URL
    # The same guide in English, one link away, and the reverse.
    assert soup.select_one(".language-link a")["href"] == GUIDE_URL
    english = page(client, GUIDE_URL)
    assert english.select_one(".language-link a")["href"] == SPANISH_GUIDE_URL
    assert normalise(english.select_one(".language-link a").get_text()) == "Español"
    # The Spanish guide is listed in Spanish on the Spanish home page, not offered in English.
    home = page(client, "/es/")
    assert [a["href"] for a in home.select(".guide-list__item h2 a")] == [SPANISH_GUIDE_URL]
    assert home.select(".guide-list__language") == []
    # And the English lists keep only the English guide.
    assert [a["href"] for a in page(client, "/").select(".guide-list__item h2 a")] == [GUIDE_URL]
    assert [a["href"] for a in page(client, "/guides/").select(".guide-list__item h2 a")] == [GUIDE_URL]


def test_both_versions_name_each_other_with_absolute_hreflang_alternates(client, spanish_guide):
    expected = [("en", BASE + GUIDE_URL), ("es", BASE + SPANISH_GUIDE_URL), ("x-default", BASE + GUIDE_URL)]
    for url in (GUIDE_URL, SPANISH_GUIDE_URL):
        links = page(client, url).select('link[rel="alternate"][hreflang]')
        assert [(link["hreflang"], link["href"]) for link in links] == expected
    # From the host the reader used.
    response = client.get(SPANISH_GUIDE_URL, HTTP_HOST="127.0.0.1")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one('link[hreflang="en"]')["href"] == "http://127.0.0.1" + GUIDE_URL


def test_the_sitemap_lists_both_languages_with_their_alternates(client, spanish_guide):
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    alternates = {
        url.find("s:loc", names).text: [
            (link.get("hreflang"), link.get("href")) for link in url.findall("x:link", names)
        ]
        for url in root.findall("s:url", names)
    }
    expected = [("en", BASE + GUIDE_URL), ("es", BASE + SPANISH_GUIDE_URL), ("x-default", BASE + GUIDE_URL)]
    assert alternates[BASE + GUIDE_URL] == expected
    assert alternates[BASE + SPANISH_GUIDE_URL] == expected
    assert alternates[BASE + "/es/"][1] == ("es", BASE + "/es/")


def test_spanish_search_finds_spanish_guides_only_and_english_search_english_ones(client, spanish_guide):
    spanish = page(client, "/es/search/?q=" + "prueba traducción")
    assert [a["href"] for a in spanish.select(".search-results__title a")] == [SPANISH_GUIDE_URL]
    assert normalise(spanish.select_one('[role="status"]').get_text()) == "Se encontró 1 guía."
    english = page(client, "/search/?q=prueba")
    assert english.select(".search-results__title a") == []
    assert [a["href"] for a in page(client, "/search/?q=NK").select(".search-results__title a")] == [GUIDE_URL]


def test_feedback_errors_on_a_spanish_guide_are_in_spanish(client, spanish_guide):
    soup = page(client, SPANISH_GUIDE_URL)
    signed = soup.select_one('input[name="guide"]')["value"]
    response = client.post("/es/feedback/", {"guide": signed})
    answer = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 400 and answer.html["lang"] == "es-MX"
    assert normalise(answer.select_one("h1").get_text()) == "Su opinión no se envió"
    assert "Elija Sí o No para decirnos si esta guía le fue útil" in normalise(answer.get_text(" "))
    # Sent: back to the Spanish guide's thank-you.
    response = client.post("/es/feedback/", {"guide": signed, "helpful": "yes"})
    assert response.status_code == 303 and response["Location"].startswith(SPANISH_GUIDE_URL)


def test_not_found_and_outage_pages_under_es_are_spanish(client, seeded):
    response = client.get("/es/no-existe/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 404 and soup.html["lang"] == "es-MX"
    assert normalise(soup.select_one("h1").get_text()) == "Página no encontrada"
    assert soup.select_one("main a")["href"] == "/es/"
    with translation.override("es"):
        for template, heading in (
            ("503.html", "Las guías no están disponibles por un momento"),
            ("500.html", "Algo salió mal"),
        ):
            soup = BeautifulSoup(render_to_string(template), "html.parser")
            assert soup.html["lang"] == "es-MX" and normalise(soup.h1.get_text()) == heading
            assert soup.select_one(".site-header__name")["href"] == "/es/"


@pytest.mark.parametrize(
    "url",
    [
        "/es/",
        "/es/guias/",
        SPANISH_GUIDE_URL,
        "/es/search/?q=nk",
        "/es/no-existe/",
        "/es/consulta/",
        "/es/consulta/sent/",
        "/es/aviso-de-privacidad/",
    ],
)
def test_no_english_interface_words_are_left_on_spanish_pages(client, spanish_guide, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    for element in soup.select("[lang^=en]"):  # what is labelled as English may be English
        element.decompose()
    for hidden in soup.select("script, style"):
        hidden.decompose()
    text = normalise(soup.get_text(" "))
    left = sorted(phrase for phrase in english_interface_phrases() if phrase in text)
    assert left == []


def test_a_spanish_guide_uncached_costs_at_most_one_query_more_than_the_english_one(client, spanish_guide):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in (GUIDE_URL, SPANISH_GUIDE_URL):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url)["X-Page-Cache"] == "miss"
        counts[url] = len(captured)
    assert counts[SPANISH_GUIDE_URL] <= counts[GUIDE_URL] + 1


def test_a_view_that_is_not_a_page_leads_plainly_to_the_other_languages_home_page(client, seeded):
    for url, expected in (("/es/no-existe/", "/"), ("/no-such-page/", "/es/"), ("/es/search/?q=x", "/")):
        switch = BeautifulSoup(client.get(url).content, "html.parser").select_one(".language-link")
        assert switch.a["href"] == expected and normalise(switch.get_text()) in ("English", "Español")
