"""Whatever is typed, the search page answers calmly and says what it did with it."""

import pytest
from bs4 import BeautifulSoup
from wagtail.contrib.search_promotions.models import Query

from searches.tests.support import main_text, search, shown, suggestion
from tests.support import GUIDE_URL

NOTHING_TO_SEARCH = "has no letters or numbers in it, so there is nothing to search for."


@pytest.mark.parametrize("typed", ["%%%", "¿¡!?", "— – …", "<>&\"'", "\U0001f9ea\U0001f489"])
def test_a_search_with_no_words_says_so_and_counts_nothing(client, seeded, typed):
    soup = search(client, typed)
    text = main_text(soup)
    assert NOTHING_TO_SEARCH in text
    assert "No guides matched" not in text
    assert soup.select_one("#results-search-q")["value"] == typed  # back in the box, as text
    assert not Query.objects.exists()


def test_an_address_that_is_not_text_is_answered_calmly(client, seeded):
    response = client.get("/search/?q=%ff%fe%00")
    assert response.status_code == 200
    assert NOTHING_TO_SEARCH in main_text(BeautifulSoup(response.content, "html.parser"))


def test_a_huge_search_is_cut_to_its_first_words_and_says_so(client, seeded):
    soup = search(client, "perforin " + "x" * 20_000)
    assert "Your search was very long, so we used only its first 200 characters." in main_text(soup)
    assert soup.select_one("#results-search-q")["value"] == "perforin"  # cut at a space, no half word
    assert [result.href for result in shown(soup)] == [GUIDE_URL]


def test_many_unknown_words_find_nothing_and_suggest_nothing(client, seeded):
    typed = " ".join(f"qz{n}x" for n in range(60))[:200].rsplit(" ", 1)[0]
    soup = search(client, typed)
    assert shown(soup) == [] and suggestion(soup) is None
    assert "No guides matched" in main_text(soup)


def test_one_endless_word_finds_nothing(client, seeded):
    soup = search(client, "immunotherapy" * 40)
    assert shown(soup) == []
    assert len(soup.select_one("#results-search-q")["value"]) == 200
    assert "only its first 200 characters" in main_text(soup)
