"""The home page, the list of guides, and a crawl for broken links."""

from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup

from pages.models import GuidePage
from tests.support import GUIDE_URL, normalise


def test_home_presents_the_guides_with_title_summary_and_link(client, seeded):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    items = soup.select(".guide-list__item")
    assert len(items) == 1
    guide = GuidePage.objects.get()
    link = items[0].select_one("h2 a")
    assert link["href"] == GUIDE_URL
    assert normalise(link.get_text()) == "A Patient's Guide to NK Cell Therapy"
    assert normalise(items[0].select_one("p").get_text()) == normalise(guide.summary)


def test_guides_list_shows_every_live_guide_and_hides_unpublished_ones(client, seeded):
    soup = BeautifulSoup(client.get("/guides/").content, "html.parser")
    assert [a["href"] for a in soup.select(".guide-list__item h2 a")] == [GUIDE_URL]
    GuidePage.objects.get().unpublish()
    soup = BeautifulSoup(client.get("/guides/").content, "html.parser")
    assert soup.select(".guide-list__item") == []
    assert "There are no guides published yet." in soup.get_text()
    assert client.get(GUIDE_URL).status_code == 404


def test_an_unknown_address_is_a_404(client, seeded):
    assert client.get("/guides/no-such-guide/").status_code == 404


def test_no_broken_internal_links_or_missing_static_files(client, seeded):
    """Follow every same-site link and asset from the home page; each must answer 200 (the
    reading counter's image, 204 No Content: impact/counting.py)."""
    to_visit, seen, checked_assets = ["/"], set(), set()
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        expected = 204 if url.startswith("/count/") else 200
        assert response.status_code == expected, f"{url} answered {response.status_code}"
        if "text/html" not in response["Content-Type"]:
            continue
        soup = BeautifulSoup(response.content, "html.parser")
        ids = {element["id"] for element in soup.select("[id]")}
        for element in soup.select("[href], [src]"):
            target = element.get("href") or element.get("src")
            parts = urlsplit(target)
            if parts.scheme in ("mailto", "tel") or (parts.netloc and parts.netloc != "testserver"):
                continue
            path, fragment = urldefrag(target)
            if not path:
                assert fragment in ids, f"{url} links to #{fragment}, which is not on the page"
                continue
            if path.startswith("/static/"):
                checked_assets.add(path)
            to_visit.append(path)
    assert {"/", "/guides/", GUIDE_URL} <= seen
    assert any(asset.endswith(".css") for asset in checked_assets)


@pytest.mark.parametrize("path", ["/", "/guides/", GUIDE_URL, "/search/?q=nk", "/no-such-page/"])
def test_every_page_names_the_sites_own_icons_and_each_one_is_there(client, seeded, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    icons = {link["href"]: link.get("type", "") for link in soup.select("link[rel=icon], link[rel=apple-touch-icon]")}
    assert len(icons) == 3
    for href, declared in icons.items():
        assert href.startswith("/static/icons/")  # from the site itself, never another origin
        response = client.get(href)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/")
        if declared:
            assert response["Content-Type"].startswith(declared)


def test_favicon_ico_at_the_root_leads_to_the_sites_icon(client, seeded):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
