"""What the search tests read off the results page, as a reader sees it."""

from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from tests.support import normalise

TEST_GUIDES = Path(__file__).parent / "fixtures" / "guides"


@dataclass
class Shown:
    title: str
    href: str
    section: str  # "" when the passage is from the introduction
    section_href: str
    passage: str
    marked: list  # the words in <mark> in the passage


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def shown(soup):
    results = []
    for item in soup.select(".search-results__item"):
        section = item.select_one(".search-results__section a")
        passage = item.select_one(".search-results__excerpt")
        results.append(
            Shown(
                title=normalise(item.h2.get_text()),
                href=item.h2.a["href"],
                section=normalise(section.get_text()) if section else "",
                section_href=section["href"] if section else "",
                passage=normalise(passage.get_text()) if passage else "",
                marked=[normalise(mark.get_text()) for mark in passage.select("mark")] if passage else [],
            )
        )
    return results


def suggestion(soup):
    link = soup.select_one(".search-suggestion a")
    return (normalise(link.get_text()), link["href"]) if link else None


def main_text(soup):
    return normalise(soup.select_one("main").get_text(" "))
