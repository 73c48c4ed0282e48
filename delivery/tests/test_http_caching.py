"""What leaves the app: compressed pages, strong validators and 304s, and who may keep a copy."""

import gzip
import re

import brotli
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from delivery.cache import _key, _lookup, page_cache
from delivery.http import BEST_BROTLI_QUALITY, accepted_encoding
from tests.support import GUIDE_URL

PUBLIC_PAGES = ["/", "/guides/", GUIDE_URL]
BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends
# The target for the guide on the wire.
GUIDE_WIRE_LIMIT = 12 * 1000


def hit(client, url=GUIDE_URL, **headers):
    """Fetch until the page comes from the page cache, as every reader after the first does."""
    for _ in range(3):
        response = client.get(url, headers=headers)
        if response.get("X-Page-Cache") == "hit":
            return response
    pytest.fail(f"{url} never came from the page cache")


def plain(client, url=GUIDE_URL):
    return client.get(url).content


# --- compression ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_browser_gets_brotli_that_decodes_to_the_same_page(client, seeded, url):
    response = hit(client, url, accept_encoding=BROWSER)
    assert response["Content-Encoding"] == "br"
    assert response["Vary"] == "Accept-Encoding"
    assert int(response["Content-Length"]) == len(response.content)
    assert brotli.decompress(response.content) == plain(client, url)


def test_the_guide_is_at_most_12_kb_on_the_wire(client, seeded):
    response = hit(client, accept_encoding=BROWSER)
    assert len(plain(client)) > 40_000  # the page itself is large; compression makes the difference
    assert len(response.content) <= GUIDE_WIRE_LIMIT, f"{len(response.content)} bytes"


def test_a_hit_sends_the_best_compression_made_once_after_the_first_reader(client, seeded):
    first = client.get(GUIDE_URL, headers={"accept_encoding": BROWSER})
    assert first["X-Page-Cache"] == "miss"  # compressed fast for the reader who waited
    later = hit(client, accept_encoding=BROWSER)
    best = brotli.compress(plain(client), quality=BEST_BROTLI_QUALITY, mode=brotli.MODE_TEXT)
    assert later.content == best
    assert len(later.content) < len(first.content)
    # The stored copy holds these bytes: a hit sends them as they are, compressing nothing.
    request = Client().get(GUIDE_URL).wsgi_request
    _generation, (page, _reads_query) = _lookup(page_cache(), _key(request))
    assert page.bodies["br"] == later.content


def test_a_shared_cache_keeps_the_first_readers_quick_brotli_only_briefly(client, seeded, settings):
    """Varnish would otherwise keep the fast-compressed copy until the next purge."""
    first = client.get(GUIDE_URL, headers={"accept_encoding": BROWSER})
    assert first["X-Page-Cache"] == "miss" and first["Cache-Control"] == "public, max-age=0, s-maxage=2"
    later = hit(client, accept_encoding=BROWSER)
    assert later["Cache-Control"] == f"public, max-age=0, s-maxage={settings.PUBLIC_PAGE_SHARED_CACHE_SECONDS}"


def test_a_client_without_brotli_gets_gzip_and_one_without_either_gets_plain_html(client, seeded):
    gzipped = hit(client, accept_encoding="gzip, deflate")
    assert gzipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.content) == plain(client)
    identity = hit(client)
    assert "Content-Encoding" not in identity and identity.content.lower().startswith(b"<!doctype html>")
    refused = hit(client, accept_encoding="br;q=0, gzip;q=0")
    assert "Content-Encoding" not in refused


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("gzip", "gzip"),
        ("br", "br"),
        ("gzip;q=1.0, br;q=0.5", "br"),  # both accepted: the smaller one
        ("br;q=0", None),
        ("br; q=0, gzip", "gzip"),
        ("*", "br"),
        ("*;q=0", None),
        ("br;q=banana, gzip", "gzip"),  # a malformed weight is not a yes
        ("identity", None),
    ],
)
def test_accept_encoding_is_read_as_the_reader_meant_it(rf, header, expected):
    assert accepted_encoding(rf.get("/", headers={"accept_encoding": header})) == expected


def test_search_results_are_compressed_for_that_reader_and_never_stored(client, seeded):
    response = client.get("/search/?q=perforin", headers={"accept_encoding": BROWSER})
    assert response["Content-Encoding"] == "br" and "Accept-Encoding" in response["Vary"]
    assert b"perforin" in brotli.decompress(response.content).lower()
    assert "X-Page-Cache" not in response


# --- BREACH: compressed pages hold no secret ----------------------------------------------------


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/search/?q=nk", "/no-such-page/"])
def test_public_pages_carry_no_csrf_token_and_set_no_cookie(client, seeded, url):
    response = client.get(url, headers={"accept_encoding": BROWSER})
    body = brotli.decompress(response.content) if response.get("Content-Encoding") == "br" else response.content
    assert b"csrfmiddlewaretoken" not in body
    assert not response.cookies


def test_pages_for_signed_in_staff_and_forms_with_a_token_are_never_compressed(client, seeded):
    login = client.get("/admin/login/", headers={"accept_encoding": BROWSER})
    assert b"csrfmiddlewaretoken" in login.content and "Content-Encoding" not in login
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    client.force_login(user)
    for url in [GUIDE_URL, "/admin/"]:
        response = client.get(url, headers={"accept_encoding": BROWSER})
        assert response.status_code == 200 and "Content-Encoding" not in response, url


# --- validators and 304 -----------------------------------------------------------------------


def test_a_conditional_get_is_answered_304_from_the_page_cache(client, seeded):
    response = hit(client, accept_encoding=BROWSER)
    etag = response["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag), "a strong validator"
    again = client.get(GUIDE_URL, headers={"accept_encoding": BROWSER, "if_none_match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["X-Page-Cache"] == "hit" and again["ETag"] == etag
    assert again["Vary"] == "Accept-Encoding" and again["Cache-Control"] == response["Cache-Control"]
    # A list of tags, or the weak form of the same tag, matches too (RFC 9110's weak comparison).
    listed = client.get(GUIDE_URL, headers={"accept_encoding": BROWSER, "if_none_match": f'"other", W/{etag}'})
    assert listed.status_code == 304


def test_each_encoding_has_its_own_validator_and_a_stale_one_gets_the_page(client, seeded):
    br = hit(client, accept_encoding=BROWSER)["ETag"]
    gz = hit(client, accept_encoding="gzip")["ETag"]
    identity = hit(client)["ETag"]
    assert len({br, gz, identity}) == 3
    # Holding the gzip bytes but now accepting brotli: the brotli page, not a 304.
    switched = client.get(GUIDE_URL, headers={"accept_encoding": BROWSER, "if_none_match": gz})
    assert switched.status_code == 200 and switched["Content-Encoding"] == "br"


def test_after_a_publish_the_old_validator_gets_the_new_page(client, guide):
    old = hit(client)["ETag"]
    guide.title = "A retitled guide"
    guide.save_revision().publish()
    response = client.get(GUIDE_URL, headers={"if_none_match": old})
    assert response.status_code == 200 and b"A retitled guide" in response.content
    assert response["ETag"] != old


def test_a_conditional_get_on_a_miss_is_answered_304_too(client, seeded):
    etag = hit(client)["ETag"]
    page_cache().clear()
    response = client.get(GUIDE_URL, headers={"if_none_match": etag})
    assert response.status_code == 304 and response["ETag"] == etag


# --- Cache-Control ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_may_be_kept_by_a_shared_cache_and_revalidated_by_browsers(client, seeded, url, settings):
    for response in (client.get(url), hit(client, url)):
        assert response["Cache-Control"] == f"public, max-age=0, s-maxage={settings.PUBLIC_PAGE_SHARED_CACHE_SECONDS}"


def no_store(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives


def test_nothing_is_kept_where_someone_is_signed_in_previewing_or_posting(client, guide):
    anonymous_post = client.post("/search/", {"q": "nk"})
    assert no_store(anonymous_post)
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    client.force_login(user)
    for url in [GUIDE_URL, "/", "/admin/", f"/admin/pages/{guide.pk}/edit/"]:
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url
    preview = client.get(f"/admin/pages/{guide.pk}/edit/preview/")
    assert no_store(preview)


@pytest.mark.parametrize("url", ["/search/?q=nk", "/no-such-page/", "/healthz"])
def test_pages_that_are_not_shared_are_not_public(client, seeded, url):
    response = client.get(url)
    assert (
        "public" not in response["Cache-Control"]
        and "private" in response["Cache-Control"]
        or ("no-cache" in response["Cache-Control"])
    )
