"""Searching in Spanish: common Spanish words do not have to be in a guide, and a word's Spanish
forms ("célula", "células") are found and marked in the passage."""

from bs4 import BeautifulSoup

from searches.tests.support import shown
from searches.words import Concept, Matcher, stem, without_stop_words
from tests.translations import publish_in_spanish

SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"
# A test's stand-in for a translator's words, never the clinic's text.
INTRODUCTION = "<p>Texto de prueba: las células NK del sistema inmunitario y cada célula del estudio.</p>"


def spanish_search(client, query):
    response = client.get("/es/search/", {"q": query})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_common_spanish_words_are_not_searched_for():
    words = ["qué", "son", "las", "células", "nk", "y", "cómo", "se", "usan"]
    assert without_stop_words(words, "es") == ["células", "nk", "usan"]
    # English keeps its own list: "las" is not an English word to leave out.
    assert "las" in without_stop_words(["las", "células"], "en")


def test_spanish_plurals_and_genders_share_a_stem():
    assert stem("células", "es") == stem("célula", "es") == "célul"
    assert stem("mayores", "es") == stem("mayor", "es") == "mayor"
    assert stem("médicos", "es") == stem("médica", "es") == "médic"
    assert stem("pacientes", "es")[:7] == stem("paciente", "es")[:7] == "pacient"
    assert stem("nk", "es") == "nk"


def test_the_spanish_forms_of_a_word_are_marked_in_a_passage():
    matcher = Matcher([Concept(("células",)), Concept(("nk",))], "es")
    marked = str(matcher.mark("Una célula NK y otras células NK."))
    assert marked == "Una <mark>célula NK</mark> y otras <mark>células NK</mark>."


def test_a_question_in_spanish_finds_the_spanish_guide_and_marks_its_words(client, seeded):
    publish_in_spanish(introduction=INTRODUCTION)
    soup = spanish_search(client, "¿Qué son las células NK?")
    (result,) = shown(soup)
    assert result.href == SPANISH_GUIDE_URL
    assert "células NK" in result.marked
    assert "célula" in result.marked
    # The same words do not find the Spanish guide from the English search.
    english = BeautifulSoup(client.get("/search/", {"q": "células NK"}).content, "html.parser")
    assert SPANISH_GUIDE_URL not in [item["href"] for item in english.select(".search-results__title a")]


def test_each_language_is_read_with_its_own_words_on_postgresql(client, seeded):
    """Spanish stemming: "inmunitarias" finds "inmunitario", which English stemming would not.
    The test runs on whichever database the run uses; on SQLite, Wagtail matches whole words."""
    from django.db import connection

    from searches.postgres_languages import config_for

    assert (config_for("es"), config_for("en-gb"), config_for("fr")) == ("spanish", "english", "simple")
    publish_in_spanish(introduction=INTRODUCTION)
    found = [item.href for item in shown(spanish_search(client, "inmunitarias"))]
    assert found == ([SPANISH_GUIDE_URL] if connection.vendor == "postgresql" else [])
    # Whole words are found on either.
    assert [item.href for item in shown(spanish_search(client, "inmunitario"))] == [SPANISH_GUIDE_URL]
