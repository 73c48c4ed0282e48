"""A guide's sources: a numbered list at its end, in its JSON-LD, in print, and checked at review."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone
from wagtail.blocks.struct_block import StructBlockValidationError

from pages.blocks import SourceBlock
from pages.models import GuidePage, Person
from tests.support import GUIDE_URL, normalise

TODAY = timezone.localdate()
RECENT = TODAY - datetime.timedelta(days=30)
LONG_AGO = TODAY - datetime.timedelta(days=400)


def source(title, publisher="", year=None, link="", last_checked=RECENT):
    return (
        "source",
        {"title": title, "publisher": publisher, "year": year, "link": link, "last_checked": last_checked},
    )


def publish_sources(guide, *sources):
    guide.sources = list(sources)
    guide.save_revision().publish()
    return GuidePage.objects.get(pk=guide.pk)


def json_ld(soup):
    return [json.loads(script.string) for script in soup.select('script[type="application/ld+json"]')]


def test_the_seeded_guide_cites_nothing_so_no_sources_section(soup):
    assert soup.select_one(".guide-sources") is None
    assert soup.find(id="sources") is None
    medical_page = next(item for item in json_ld(soup) if item["@type"] == "MedicalWebPage")
    assert "citation" not in medical_page


def test_sources_are_a_numbered_list_at_the_end_of_the_guide(client, guide):
    publish_sources(
        guide,
        source("Natural killer cells in cancer immunotherapy", "Example Journal", 2021, "https://journal.example/nk"),
        source("A book without a link", year=2019, last_checked=datetime.date(2026, 5, 4)),
    )
    soup = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser")
    section = soup.select_one("article section.guide-sources")
    assert normalise(section.select_one("h2#sources").get_text()) == "Sources"
    items = section.select("ol.sources > li")
    assert [normalise(item.get_text(" ")) for item in items] == [
        f"Natural killer cells in cancer immunotherapy. Example Journal, 2021. Last checked {RECENT:%-d %B %Y}.",
        "A book without a link, 2019. Last checked 4 May 2026.",
    ]
    assert items[0].select_one("cite a")["href"] == "https://journal.example/nk"
    assert items[1].select_one("a") is None
    # At the end of the guide's own content: after the last section, before the credits.
    sections = soup.select("article section.guide-section")
    assert sections[-1] is section
    assert section.find_next_sibling() is soup.select_one("footer.guide-credits")


def test_sources_are_the_json_ld_citation(client, guide):
    publish_sources(
        guide,
        source("Natural killer cells in cancer immunotherapy", "Example Journal", 2021, "https://journal.example/nk"),
        source("A book without a link"),
    )
    soup = BeautifulSoup(client.get(GUIDE_URL).content, "html.parser")
    medical_page = next(item for item in json_ld(soup) if item["@type"] == "MedicalWebPage")
    assert medical_page["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Natural killer cells in cancer immunotherapy",
            "publisher": {"@type": "Organization", "name": "Example Journal"},
            "datePublished": "2021",
            "url": "https://journal.example/nk",
        },
        {"@type": "CreativeWork", "name": "A book without a link"},
    ]


def test_the_print_stylesheet_keeps_the_sources_and_writes_out_their_links():
    print_css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text()
    hidden = print_css.split("display: none")[0]
    assert "sources" not in hidden and ".guide-section" not in hidden
    assert 'a[href^="http"]::after' in print_css


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("link", "ftp://files.example/paper.pdf", "The link must be a web address starting with https:// or http://."),
        ("link", "javascript:alert(1)", "Enter a valid URL."),
        # From the clinic's day when the test runs, not when the tests were collected: a run of the
        # suite may cross midnight in Los Cabos (it did, at 07:00 UTC, and this test failed).
        ("year", lambda today: today.year + 1, "The year cannot be after {today.year}."),
        (
            "last_checked",
            lambda today: today + datetime.timedelta(days=1),
            "The date last checked cannot be in the future.",
        ),
        ("title", "", "This field is required."),
    ],
)
def test_a_source_with_a_wrong_field_names_it(field, value, message):
    today = timezone.localdate()
    if callable(value):
        value, message = value(today), message.format(today=today)
    block = SourceBlock()
    value_dict = {
        "title": "A study",
        "publisher": "",
        "year": 2020,
        "link": "https://ok.example/",
        "last_checked": RECENT,
    }
    value_dict[field] = value
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python(block.get_prep_value(block.to_python(value_dict))))
    assert list(error.value.block_errors) == [field]
    assert message in " ".join(str(e) for e in error.value.block_errors[field])


def test_a_good_source_is_accepted():
    block = SourceBlock()
    value = block.to_python(
        {"title": "A study", "publisher": "NHS", "year": 2020, "link": "http://ok.example/", "last_checked": RECENT}
    )
    assert block.clean(value)["link"] == "http://ok.example/"


@pytest.fixture
def reviewer_client(make_staff, guide):
    person = Person.objects.get(name="Dr. Félix Porras")
    return make_staff("Medical reviewers", "porras", person=person)[1]


def review_sources_text(client, guide):
    soup = BeautifulSoup(client.get(f"/admin/guides/{guide.id}/mark-reviewed/").content, "html.parser")
    return normalise(soup.select_one(".review-sources").get_text(" "))


def test_the_reviewer_is_told_plainly_when_a_guide_cites_no_sources(reviewer_client, guide):
    assert review_sources_text(reviewer_client, guide) == "Sources This guide cites no sources."


def test_the_reviewer_is_told_which_sources_were_not_checked_for_over_a_year(reviewer_client, guide):
    guide = publish_sources(guide, source("Checked lately"), source("Checked long ago", last_checked=LONG_AGO))
    text = review_sources_text(reviewer_client, guide)
    assert text == "Sources 1 of its 2 sources was last checked more than a year ago: Checked long ago"
    guide = publish_sources(guide, source("Checked lately"), source("Also checked lately"))
    assert review_sources_text(reviewer_client, guide) == "Sources All 2 sources were checked within the last year."
