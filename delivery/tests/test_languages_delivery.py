"""Both languages through the page cache: kept apart by address, dropped together (the caching
proxy's purge of both: test_frontend_cache.py)."""

import pytest

from delivery import cache as cache_module
from pages.models import GuidePage
from tests.support import GUIDE_URL
from tests.translations import TEST_TITLE, approve_through_review, publish_in_spanish

SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"


@pytest.fixture(autouse=True)
def no_second_purge_after_the_test():
    yield
    pending = cache_module._second_purge["timer"]
    if pending is not None:
        pending.cancel()


def test_each_language_is_kept_under_its_own_address_and_both_are_dropped_on_a_publish(client, seeded):
    english = GuidePage.objects.get()
    spanish = publish_in_spanish(english)
    for url in (GUIDE_URL, SPANISH_GUIDE_URL):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    # The cached copies are the right language's, and nothing varies on the reader's browser.
    spanish_page = client.get(SPANISH_GUIDE_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert spanish_page["X-Page-Cache"] == "hit" and TEST_TITLE in spanish_page.content.decode()
    assert "Accept-Language" not in spanish_page.get("Vary", "")
    english_page = client.get(GUIDE_URL, HTTP_ACCEPT_LANGUAGE="es-MX")
    assert english_page["X-Page-Cache"] == "hit" and TEST_TITLE not in english_page.content.decode()
    # Publishing the translation: its page, and the English one (its language link), drawn afresh.
    spanish.title = "Otro título de prueba"
    spanish.save_revision()
    approve_through_review(spanish)
    assert client.get(SPANISH_GUIDE_URL)["X-Page-Cache"] == "miss"
    assert "Otro título de prueba" in client.get(SPANISH_GUIDE_URL).content.decode()
    assert client.get(GUIDE_URL)["X-Page-Cache"] == "miss"
