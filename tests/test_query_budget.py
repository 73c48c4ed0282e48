"""The guide page renders uncached in a fixed, small number of queries, however big the site."""

import pytest
import yaml
from django.core.cache import cache
from django.test import RequestFactory

from delivery.cache import _key
from pages.seeding import GUIDES_DIR, SITE_FILE, seed
from tests.support import GUIDE_URL, TEST_FIXTURES
from tests.translations import TEST_TITLE, publish_in_spanish

# With Wagtail's translations switched on, its list of site root paths (kept an hour in the
# shared cache, emptied here) asks for each root page's translations: one query more than before;
# and one for the page's (and home page's) versions in each language, for the hreflang
# alternates and the language link, kept until content changes like the other shared lookups.
QUERY_BUDGET = 14
SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"


def uncached_render(client, django_assert_max_num_queries, url=GUIDE_URL, budget=QUERY_BUDGET):
    """The worst case: the first render after the cache was emptied, with nothing remembered."""
    cache.clear()
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    # With the cache emptied, this is the page as rendered from the database.
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    return response, len(captured)


def tripled_site(tmp_path):
    """Every guide with three times the sections (and so FAQ items), three times the guides and people."""
    site = yaml.safe_load(SITE_FILE.read_text(encoding="utf-8"))
    site["people"] += [
        dict(person, name=f"{person['name']} ({copy})") for copy in (2, 3) for person in list(site["people"])
    ]
    site_file = tmp_path / "site.yaml"
    site_file.write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")

    guide_paths = []
    for source in [*sorted(GUIDES_DIR.glob("*.yaml")), TEST_FIXTURES / "guides" / "second-guide.yaml"]:
        guide = yaml.safe_load(source.read_text(encoding="utf-8"))
        guide["sections"] = [
            dict(section, anchor=f"{section.get('anchor') or 'section'}-{copy}-{index}")
            for copy in range(3)
            for index, section in enumerate(guide["sections"])
        ]
        for copy in range(3):
            variant = dict(guide, slug=guide["slug"] if copy == 0 else f"{guide['slug']}-{copy}")
            path = tmp_path / f"{variant['slug']}.yaml"
            path.write_text(yaml.safe_dump(variant, allow_unicode=True), encoding="utf-8")
            guide_paths.append(path)
    return site_file, guide_paths


def test_the_guide_renders_uncached_within_the_budget(client, seeded, django_assert_max_num_queries):
    response, queries = uncached_render(client, django_assert_max_num_queries)
    assert "Key Concepts in NK Cell Therapy" in response.content.decode()
    # Once the lookups shared by every page are remembered, a render needs fewer still.
    cache.delete(_key(RequestFactory().get(GUIDE_URL)))  # the page itself, not those lookups
    with django_assert_max_num_queries(queries - 1):
        assert client.get(GUIDE_URL)["X-Page-Cache"] == "miss"


def test_the_spanish_guide_costs_at_most_one_query_more_than_the_english_one(
    client, seeded, django_assert_max_num_queries
):
    """Issue 21: the Spanish guide drawn uncached. Its address is one level deeper (/es/ is a home
    page of its own under the tree's root), so Wagtail's routing may look up one page more."""
    publish_in_spanish()
    english, english_queries = uncached_render(client, django_assert_max_num_queries)
    spanish, spanish_queries = uncached_render(
        client, django_assert_max_num_queries, SPANISH_GUIDE_URL, english_queries + 1
    )
    assert 'lang="es-MX"' in spanish.content.decode() and TEST_TITLE in spanish.content.decode()
    assert TEST_TITLE not in english.content.decode()
    # With each page's lookups remembered (only the pages themselves dropped), still one more at most.
    for url in (GUIDE_URL, SPANISH_GUIDE_URL):
        client.get(url)
    remembered = {}
    for url, queries in ((GUIDE_URL, english_queries), (SPANISH_GUIDE_URL, spanish_queries)):
        cache.delete(_key(RequestFactory().get(url)))
        with django_assert_max_num_queries(queries - 1) as captured:
            assert client.get(url)["X-Page-Cache"] == "miss"
        remembered[url] = len(captured)
    assert remembered[SPANISH_GUIDE_URL] <= remembered[GUIDE_URL] + 1


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_sections_faq_items_people_or_guides(
    client, tmp_path, django_assert_max_num_queries
):
    seed()
    html, base_queries = uncached_render(client, django_assert_max_num_queries)
    base_html = html.content.decode()

    site_file, guide_paths = tripled_site(tmp_path)
    seed(site_file, guide_paths, force=True)
    response, big_queries = uncached_render(client, django_assert_max_num_queries)
    big_html = response.content.decode()
    # The bigger guide really is bigger ...
    assert big_html.count('class="faq') >= 3 * base_html.count('class="faq') > 0
    assert big_html.count("<h2") > 2 * base_html.count("<h2")
    assert client.get("/guides/").content.decode().count("guide-list__item") == 6
    # ... and costs not one query more.
    assert big_queries == base_queries
