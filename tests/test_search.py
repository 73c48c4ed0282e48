"""Search: finds the guide by its words, marks them, and is safe whatever is typed."""

import pytest
from bs4 import BeautifulSoup
from wagtail.rich_text import RichText

from pages.blocks import FAQItemBlock, ParagraphBlock
from pages.models import GuidePage
from tests.support import GUIDE_URL, normalise


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def result_links(soup):
    return [a["href"] for a in soup.select(".search-results__item h2 a")]


@pytest.mark.parametrize("query", ["senescent", "GvHD", "cord blood", "perforin"])
def test_words_from_the_guide_find_it(client, seeded, query):
    _, soup = search(client, query)
    assert result_links(soup) == [GUIDE_URL]
    item = soup.select_one(".search-results__item")
    assert normalise(item.h2.get_text()) == "A Patient's Guide to NK Cell Therapy"
    # The sentence that matched, with the searched-for words marked (side by side, as one).
    marked = [normalise(mark.get_text()).lower() for mark in item.select(".search-results__excerpt mark")]
    assert set(marked) == {query.lower()}


def test_words_are_highlighted_in_title_and_summary(client, seeded):
    _, soup = search(client, "natural killer")
    item = soup.select_one(".search-results__item")
    assert [m.get_text() for m in item.select("p mark")][:2] == ["Natural Killer", "natural"]


def test_a_word_in_no_guide_gets_a_helpful_page(client, seeded):
    _, soup = search(client, "xylophone")
    assert result_links(soup) == []
    text = normalise(soup.select_one("main").get_text(" "))
    assert 'No guides matched "xylophone".' in text  # normalise straightens quotes
    assert "check the spelling" in text and soup.select_one("main a[href='/']")


def test_an_empty_search_invites_a_query(client, seeded):
    _, soup = search(client, "")
    assert result_links(soup) == []
    assert "Type a word or two" in soup.get_text()


def test_unpublished_guides_are_not_found(client, seeded):
    GuidePage.objects.get().unpublish()
    _, soup = search(client, "perforin")
    assert result_links(soup) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "perforin " * 250,
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE wagtailcore_page; --",
        "1' OR '1'='1",
        '"unmatched quote',
        "it's",
        "NEAR( AND OR NOT *",
        "\u202e\u0000\U0001f9ea ｆｕｌｌｗｉｄｔｈ Z̸̢a̷l̴g̵o 中文 العربية",
        "%00%27",
    ],
    ids=[
        "empty",
        "2000-chars",
        "script",
        "img-onerror",
        "sql-drop",
        "sql-or",
        "quote",
        "apostrophe",
        "operators",
        "unicode",
        "encoded",
    ],
)
def test_bad_queries_return_a_normal_page_and_never_reflect_markup(client, seeded, query):
    response, soup = search(client, query)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert soup.select_one("h1") is not None
    assert soup.select_one("form[role=search] input[name=q]") is not None
    # Whatever was typed comes back only as text.
    assert not soup.select("main script, main img")


def test_a_long_query_is_shortened_and_says_so(client, seeded):
    _, soup = search(client, "perforin " * 250)
    assert "only its first 200 characters" in soup.get_text()
    assert len(soup.select_one("#results-search-q")["value"]) <= 200
    assert result_links(soup) == [GUIDE_URL]


def test_search_is_never_cached_by_browsers_or_proxies(client, seeded):
    response, _ = search(client, "perforin")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_results_are_paginated(client, seeded):
    guide = GuidePage.objects.get()
    for number in range(1, 12):
        guide.copy(update_attrs={"slug": f"copy-{number}", "title": f"Copy {number} of the guide"})
    for copy in GuidePage.objects.exclude(id=guide.id):
        copy.save_revision().publish()
    _, first = search(client, "perforin")
    assert len(result_links(first)) == 10
    assert first.select_one("nav.pagination a")["href"] == "?q=perforin&page=2"
    _, second = search(client, "perforin", page=2)
    assert len(result_links(second)) == 2
    assert second.select_one("ol.search-results")["start"] == "11"
    assert set(result_links(first)).isdisjoint(result_links(second))
    for bad_page in ["abc", "999", "-1", "0"]:
        _, soup = search(client, "perforin", page=bad_page)
        assert result_links(soup)


@pytest.mark.parametrize(
    "path", ["/", "/guides/", GUIDE_URL, "/search/?q=x", "/search/", "/search/?q=zzzz", "/missing/"]
)
def test_exactly_one_search_box_is_on_every_page(client, seeded, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    (form,) = soup.select("form[role=search]")
    # In the header, except where the page's own content is about searching.
    in_main = path.startswith(("/search/", "/missing/"))
    assert form.find_parent("main" if in_main else "header") is not None
    assert form["action"] == "/search/" and form["method"] == "get"
    field = form.select_one("input[name=q]")
    assert form.select_one(f"label[for={field['id']}]").get_text() == "Search the guides"


@pytest.mark.parametrize(
    "stored, words",
    [
        ("<p>First paragraph.</p><p>Second.</p>", "First paragraph. Second."),
        ('<p data-block-key="a1">Immuno<b>therapy</b> and <i>NK</i> cells</p>', "Immunotherapy and NK cells"),
        ("<p>One line<br/>and the next</p>", "One line and the next"),
        (
            '<p>See <a linktype="page" id="3">the guide</a> &amp; ask: is 5 &lt; 6?</p>',
            "See the guide & ask: is 5 < 6?",
        ),
        ("", ""),
    ],
)
def test_rich_text_is_indexed_and_counted_as_the_words_a_reader_sees(stored, words):
    # What search indexes and the reading time counts, for paragraphs and FAQ answers alike.
    assert ParagraphBlock().get_searchable_content(RichText(stored)) == [words]
    assert FAQItemBlock().get_searchable_content({"question": "Q?", "answer": RichText(stored)}) == ["Q?", words]
