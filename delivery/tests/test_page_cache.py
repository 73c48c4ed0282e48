"""The page cache: anonymous readers get stored pages, and no change ever leaves one stale."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from delivery import cache as cache_module
from delivery.cache import GENERATION_KEY, _key, _store, page_cache, response_storable
from pages.models import ClinicSettings, GuideIndexPage, GuidePage, HomePage, Person
from tests.support import GUIDE_URL, redis_for_test, visible_text


def fetch(client, url=GUIDE_URL, **extra):
    response = client.get(url, **extra)
    return response, response.headers.get("X-Page-Cache")


def primed(client, url=GUIDE_URL):
    """Fetch until the page comes from the cache, so a later change has a stored copy to beat."""
    for _ in range(3):
        response, state = fetch(client, url)
        if state == "hit":
            return response
    pytest.fail(f"{url} was never served from the page cache")


@pytest.fixture
def staff(seeded):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-test-password")


# --- what is cached --------------------------------------------------------------------------


def test_an_anonymous_reader_gets_the_same_page_from_the_cache(client, seeded):
    first = client.get(GUIDE_URL)
    second = primed(client)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    # A stored page keeps the headers the site sets and never carries a cookie.
    assert second["X-Frame-Options"] == first["X-Frame-Options"]
    # It varies only on the encoding the reader accepts (tests/test_http_caching.py).
    assert not second.cookies and second["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize("url", ["/", "/guides/"])
def test_the_home_page_and_guide_list_are_cached_too(client, seeded, url):
    assert primed(client, url).status_code == 200


def test_an_anonymous_guide_page_neither_sets_nor_varies_on_cookies(client, seeded):
    # Were it to, no page could be shared between readers.
    response = client.get(GUIDE_URL)
    assert not response.cookies
    assert "Cookie" not in response["Vary"]


# --- invalidation: every change to what a page shows -----------------------------------------


def test_publishing_a_guide_shows_at_once_on_the_guide_home_and_list(client, seeded):
    for url in (GUIDE_URL, "/", "/guides/"):
        primed(client, url)
    guide = GuidePage.objects.get()
    guide.title = "A retitled guide"
    guide.save_revision().publish()
    for url in (GUIDE_URL, "/", "/guides/"):
        response, state = fetch(client, url)
        assert state != "hit"
        assert "A retitled guide" in response.content.decode(), url


def test_a_stamped_review_date_shows_at_once(client, seeded):
    primed(client)
    primed(client, "/")
    guide = GuidePage.objects.get()
    guide.last_reviewed = datetime.date(2026, 1, 15)
    guide.save_revision().publish()
    for url in (GUIDE_URL, "/"):
        assert '<time datetime="2026-01-15">15 January 2026</time>' in client.get(url).content.decode(), url


def test_an_unpublished_guide_is_gone_at_once(client, seeded):
    primed(client)
    primed(client, "/guides/")
    GuidePage.objects.get().unpublish()
    assert client.get(GUIDE_URL).status_code == 404
    assert "There are no guides published yet." in client.get("/guides/").content.decode()


def test_a_deleted_guide_is_gone_at_once(client, seeded):
    primed(client)
    primed(client, "/")
    GuidePage.objects.get().delete()
    assert client.get(GUIDE_URL).status_code == 404
    assert GUIDE_URL not in client.get("/").content.decode()


def test_a_moved_guide_answers_at_its_new_address_at_once(client, seeded):
    primed(client)
    home = HomePage.objects.get(locale__language_code="en-gb")
    other_list = home.add_child(instance=GuideIndexPage(title="More guides", slug="more-guides", summary="More."))
    other_list.save_revision().publish()
    primed(client, "/guides/")
    GuidePage.objects.get().move(other_list, pos="last-child")
    # Wagtail's redirects app sends readers of the old address on to the new one.
    old_address = client.get(GUIDE_URL)
    assert old_address.status_code == 301 and old_address["Location"] == "/more-guides/nk-cell-therapy/"
    assert client.get("/more-guides/nk-cell-therapy/").status_code == 200
    assert "There are no guides published yet." in client.get("/guides/").content.decode()


def test_an_edited_reviewer_shows_at_once(client, seeded):
    primed(client)
    reviewer = GuidePage.objects.get().reviewed_by
    reviewer.short_bio = "A new biography for the medical reviewer."
    reviewer.save()
    assert "A new biography for the medical reviewer." in visible_text(client.get(GUIDE_URL).content.decode())


def test_edited_clinic_settings_show_at_once(client, seeded):
    primed(client)
    clinic = ClinicSettings.load()
    clinic.disclaimer = "A new disclaimer."
    clinic.save()
    assert "Disclaimer: A new disclaimer." in visible_text(client.get(GUIDE_URL).content.decode())


def test_a_guide_made_private_is_no_longer_served_to_anonymous_readers(client, seeded):
    primed(client)
    PageViewRestriction.objects.create(page=GuidePage.objects.get(), restriction_type=PageViewRestriction.LOGIN)
    response = client.get(GUIDE_URL)
    assert response.status_code == 302 and "/_util/login/" in response["Location"]


def test_a_publish_through_the_admin_reaches_a_reader_with_a_stored_copy(seeded, staff):
    reader = Client()
    primed(reader)
    editor = Client()
    editor.force_login(staff)
    guide = GuidePage.objects.get()
    guide.title = "A title published in the admin"
    revision = guide.save_revision(user=staff)
    assert revision.page.live  # the draft is not yet what readers see
    response = editor.post(f"/admin/bulk/wagtailcore/page/publish/?id={guide.id}", {"include_descendants": ""})
    assert response.status_code == 302
    assert "A title published in the admin" in reader.get(GUIDE_URL).content.decode()


def test_a_copy_rendered_before_a_change_but_stored_after_it_is_never_served(client, seeded):
    """The race every page cache must survive: a slow request stores what it read before a publish."""
    cache = page_cache()
    request = client.get(GUIDE_URL).wsgi_request
    generation_when_the_slow_request_began = cache.get(GENERATION_KEY)
    assert generation_when_the_slow_request_began is not None
    guide = GuidePage.objects.get()
    guide.title = "The newly published title"
    guide.save_revision().publish()
    stale = (b"<h1>The old title</h1>", [("Content-Type", "text/html; charset=utf-8")])
    _store(cache, _key(request), generation_when_the_slow_request_began, stale, 60)
    html = client.get(GUIDE_URL).content.decode()
    assert "The old title" not in html and "The newly published title" in html


# --- never served from or stored in the cache ------------------------------------------------


def test_after_a_deploy_no_page_the_old_code_drew_is_served(client, seeded, monkeypatch):
    # A deploy changes the site's templates, code or stylesheet (delivery.cache.site_version); a copy
    # drawn by the old code would point at a stylesheet the new one no longer has.
    primed(client)
    monkeypatch.setattr(cache_module, "SITE_VERSION", "the-next-deploy")
    assert fetch(client)[1] == "miss"
    assert primed(client).status_code == 200


def test_a_signed_in_editor_is_never_served_or_stored(client, staff):
    client.force_login(staff)
    for _ in range(2):
        response, state = fetch(client)
        assert state is None
        assert "wagtail-userbar" in response.content.decode()
    client.logout()
    response, state = fetch(Client())
    assert "wagtail-userbar" not in response.content.decode()


def test_a_request_with_a_session_cookie_bypasses_the_cache(client, seeded):
    primed(client)
    client.cookies[settings.SESSION_COOKIE_NAME] = "any-session"
    assert fetch(client)[1] is None


TRACKING_AND_RANDOM = [
    "?fbclid=IwAR2x_a-shared-link",
    "?utm_source=newsletter&utm_medium=email&utm_campaign=november",
    "?gclid=abc&_ga=2.1.2.3",
    "?zq81=%ff%fe&x",
    "?" + "&".join(f"p{n}=v" for n in range(50)),
]


@pytest.mark.parametrize("url", [GUIDE_URL, "/", "/guides/"])
def test_links_with_tracking_or_random_parameters_are_served_from_the_cache_byte_for_byte(client, seeded, url):
    plain = primed(client, url)
    for query in TRACKING_AND_RANDOM:
        response, state = fetch(client, url + query)
        assert state == "hit", query
        assert response.content == plain.content


def test_a_first_reader_with_a_tracking_link_fills_the_cache_for_everyone(client, seeded):
    response, state = fetch(client, GUIDE_URL + "?fbclid=first-reader")
    assert response.status_code == 200 and state == "miss"
    # The canonical address never carries the query string.
    assert f'<link rel="canonical" href="http://testserver{GUIDE_URL}">' in response.content.decode()
    plain, state = fetch(client, GUIDE_URL)
    assert state == "hit" and plain.content == response.content


def test_a_page_type_that_reads_its_query_string_is_never_served_from_a_copy_with_one(client, seeded, monkeypatch):
    monkeypatch.setattr(GuidePage, "reads_query_string", True)
    primed(client)  # without a query string it is cached as before
    for _ in range(2):
        response, state = fetch(client, GUIDE_URL + "?page=2")
        assert response.status_code == 200 and state is None
    assert fetch(client)[1] == "hit"


def test_searches_with_different_words_are_never_mixed_up_or_cached(client, seeded):
    for _ in range(2):
        nk, state_nk = fetch(client, "/search/?q=perforin")
        none, state_none = fetch(client, "/search/?q=zzzzqqq")
        assert state_nk is None and state_none is None
        assert "1 guide found." in nk.content.decode()
        assert "No guides matched" in none.content.decode()


def test_a_post_is_never_served_or_stored(client, seeded):
    primed(client)
    response = client.post(GUIDE_URL, {"anything": "1"})
    assert response.status_code == 200 and "X-Page-Cache" not in response


def test_a_preview_is_never_stored_or_shown_to_readers(client, staff):
    from tests.test_admin_editing import edit_form_data

    editor = Client()
    editor.force_login(staff)
    guide = GuidePage.objects.get()
    data = edit_form_data(editor, guide)
    data["title"] = "A previewed title"
    preview_url = f"/admin/pages/{guide.id}/edit/preview/"
    assert editor.post(preview_url, data).json()["is_valid"] is True
    preview = editor.get(preview_url)
    assert "<h1>A previewed title</h1>" in preview.content.decode() and "X-Page-Cache" not in preview
    assert "A previewed title" not in client.get(GUIDE_URL).content.decode()


def test_pages_not_served_by_wagtail_are_never_stored(client, seeded):
    for url in ("/admin/login/", "/guides/no-such-guide/"):
        for _ in range(2):
            assert fetch(client, url)[1] is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: HttpResponse("x", status=404),
        lambda: HttpResponse("x", status=302),
        lambda: HttpResponse("x", headers={"Vary": "Cookie"}),
        lambda: HttpResponse("x", headers={"Vary": "Accept-Language"}),
        lambda: HttpResponse("x", headers={"Cache-Control": "private, max-age=0"}),
        lambda: HttpResponse("x", headers={"Cache-Control": "no-cache, no-store, must-revalidate"}),
    ],
    ids=["404", "redirect", "vary-cookie", "vary-other", "private", "no-store"],
)
def test_responses_that_cannot_be_shared_are_refused(make, rf):
    assert response_storable(rf.get("/"), HttpResponse("x"))
    assert not response_storable(rf.get("/"), make())


def test_a_response_that_sets_a_cookie_is_refused(rf):
    response = HttpResponse("x")
    response.set_cookie("csrftoken", "abc")
    assert not response_storable(rf.get("/"), response)


def test_a_page_that_carries_a_csrf_token_is_refused_even_if_the_reader_has_the_cookie(rf):
    """get_token() marks the request; a reader who already holds the cookie gets no Set-Cookie."""
    from django.middleware.csrf import get_token

    request = rf.get("/")
    get_token(request)
    assert not response_storable(request, HttpResponse("x"))


# --- where the cache lives --------------------------------------------------------------------


def test_redis_is_the_cache_when_redis_url_is_set():
    """A real round trip through the Redis server that CI and development machines run."""
    redis_url = os.environ.get("REDIS_URL") or redis_for_test(6)
    code = (
        "import django; django.setup()\n"
        "from django.core.cache import caches\ncache = caches['default']\n"
        "cache.set('lmi-redis-check', 'reached', 30)\n"
        "print(type(cache).__module__, cache.get('lmi-redis-check'))\n"
        "cache.delete('lmi-redis-check')\n"
    )
    env = dict(os.environ, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="lmi_site.settings.test")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # django-redis behind the site's circuit breaker (lmi_site/shared_cache.py).
    assert result.stdout.split() == ["lmi_site.shared_cache", "reached"]


def test_local_memory_is_the_cache_without_redis_url():
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "lmi_site.settings.test"
    code = (
        "import django; django.setup(); from django.core.cache import caches; print(type(caches['default']).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "LocMemCache", result.stderr


def test_every_page_type_is_covered_by_invalidation():
    """A new page type's deletion must reach the cache as well; the receivers are connected per model."""
    from django.apps import apps
    from django.db.models.signals import post_delete

    for model in apps.get_models():
        if issubclass(model, Page):
            assert post_delete.has_listeners(model), model
    for model in (Person, ClinicSettings):
        assert post_delete.has_listeners(model)
