"""Each result shows the passage that answers best, links to its section, and a guide that names the
words only in passing comes after those with a section about them."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from pages.models import GuidePage
from pages.seeding import seed
from searches.passages import PASSAGE_CHARACTERS, shortened
from searches.tests.support import TEST_GUIDES, main_text, search, shown
from searches.words import Concept, Matcher
from tests.support import FIXTURES, GUIDE_URL, normalise

SAFETY_SECTION = "Ensuring Safety, Quality, and Choosing a Clinic"
SAFETY_ANCHOR = "ensuring-safety-quality-and-choosing-a-clinic"


def heading_with_id(client, url):
    """The heading a link to `url` (with its #id) leads to on the page."""
    path, anchor = url.split("#")
    target = BeautifulSoup(client.get(path).content, "html.parser").find(id=anchor)
    return target.name, normalise(target.get_text())


def test_side_effects_shows_the_safety_section_not_the_mention_in_passing(client, seeded):
    guide_text = normalise(BeautifulSoup(client.get(GUIDE_URL).content, "html.parser").get_text(" "))
    # The guide names side effects twice: in passing, in "Leveraging Your Body's Innate Design" ...
    assert "without the harsh side effects associated with many conventional treatments" in guide_text
    # ... and where its safety section opens, which is the passage shown.
    (result,) = shown(search(client, "side effects"))
    assert result.section == SAFETY_SECTION
    assert result.section_href == f"{GUIDE_URL}#{SAFETY_ANCHOR}"
    assert result.passage.startswith("While side effects from NK cell therapy are generally mild and temporary")
    assert result.marked == ["side effects"]
    assert heading_with_id(client, result.section_href) == ("h2", SAFETY_SECTION)


def test_a_passage_in_a_subsection_links_to_the_subsection(client, seeded):
    (result,) = shown(search(client, "perforin"))
    assert result.section == "A Two-Pronged Precision Strike"
    assert heading_with_id(client, result.section_href) == ("h3", "A Two-Pronged Precision Strike")
    assert "potent proteins like perforin and granzymes" in result.passage
    assert result.marked == ["perforin"]


def test_a_passage_from_the_introduction_links_to_the_guide(client, seeded):
    (result,) = shown(search(client, "natural killer"))
    assert (result.section, result.section_href, result.href) == ("", "", GUIDE_URL)
    assert result.passage == (
        "Your immune system contains its own elite special forces—your Natural Killer (NK) cells."
    )
    assert result.marked == ["Natural Killer"]


@pytest.fixture
def downtime_guides(db):
    seed(
        guide_paths=[
            FIXTURES / "guides" / "nk-cell-therapy.yaml",
            TEST_GUIDES / "downtime-in-passing.yaml",
            TEST_GUIDES / "downtime-section.yaml",
        ]
    )


def test_a_guide_that_names_the_words_in_passing_comes_after_those_about_them(client, downtime_guides):
    in_passing, about = "A Test Guide to Planning a Visit", "A Test Guide to Recovery"
    expected = [about, "A Patient's Guide to NK Cell Therapy", in_passing]
    # The search backends alone rank them otherwise (PostgreSQL puts the guide that names
    # "downtime" most often first; SQLite puts it before the seeded guide's answer about downtime).
    assert [guide.title for guide in GuidePage.objects.live().search("downtime")] != expected

    results = shown(search(client, "downtime"))
    assert [result.title for result in results] == expected
    recovery, nk_cells, planning = results
    assert (recovery.section, recovery.section_href) == (
        "Downtime After Treatment",
        "/guides/downtime-section/#downtime",
    )
    assert recovery.passage == "Most people have little downtime and go back to their day soon after."
    # In the seeded guide, the question about downtime and its answer.
    assert nk_cells.section == "Your Questions About NK Cell Therapy Answered"
    assert "there is virtually no downtime" in nk_cells.passage
    assert planning.section_href == "/guides/downtime-in-passing/#travel"


def test_the_passage_is_text_with_only_the_words_marked(client, seeded):
    guide = GuidePage.objects.get()
    guide.introduction = (
        "<p>Readers in Zanzibar asked: is &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;this&lt;/b&gt; safe?</p>"
    )
    guide.save_revision().publish()
    soup = search(client, "zanzibar")
    (result,) = shown(soup)
    assert result.passage == "Readers in Zanzibar asked: is <script>alert(1)</script> & <b>this</b> safe?"
    assert result.marked == ["Zanzibar"]
    passage = soup.select_one(".search-results__excerpt")
    assert passage.select("*") == passage.select("mark")  # no element but the marks
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;this&lt;/b&gt;" in str(passage)


def test_a_long_sentence_is_shortened_around_the_words_at_spaces():
    sentence = " ".join(["before"] * 60 + ["perforin"] + ["after"] * 60) + "."
    matcher = Matcher([Concept(("perforin",))], "en")
    short = shortened(sentence, matcher)
    assert short.startswith("… before ") and short.endswith(" after …")
    assert "perforin" in short
    assert len(short) <= PASSAGE_CHARACTERS + len("…  …")
    assert set(short.strip("… ").split()) == {"before", "perforin", "after"}  # whole words only


def test_results_are_in_the_readers_language_only(client, seeded):
    # Today every guide is English; a guide in another language is not among English results.
    spanish = Locale.objects.get(language_code="es")  # the Spanish locale the site has
    guide = GuidePage.objects.get()
    guide.copy(update_attrs={"slug": "nk-cells-es", "title": "NK cells, in Spanish", "locale": spanish})
    assert [result.title for result in shown(search(client, "perforin"))] == [guide.title]
    assert "1 guide found." in main_text(search(client, "perforin"))


def guide_bodies_read(client, query):
    """How many queries read a guide's body while searching for `query`."""
    with CaptureQueriesContext(connection) as queries:
        search(client, query)
    return sum('"pages_guidepage"."body"' in query["sql"] for query in queries.captured_queries)


def test_the_guides_words_are_read_once_until_the_content_changes(client, seeded):
    assert guide_bodies_read(client, "perforin") == 1
    assert guide_bodies_read(client, "side effects") == 0
    assert guide_bodies_read(client, "natual killer") == 0  # "Did you mean" uses the same words
    guide = GuidePage.objects.get()
    guide.save_revision().publish()
    assert guide_bodies_read(client, "perforin") == 1
