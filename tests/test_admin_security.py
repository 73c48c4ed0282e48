"""The admin's front door: lock-out after repeated wrong passwords, Django's password rules,
and nothing of the admin, drafts, private pages, previews or revisions for anonymous visitors."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from wagtail.models import PageViewRestriction

from pages.models import GuideIndexPage, GuidePage
from tests.support import GUIDE_URL

PASSWORD = "a-long-test-password"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)


def sign_in(client, password, username="editor", **headers):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"}, **headers)


def test_five_wrong_passwords_lock_the_account_out_even_with_the_right_one(client, editor):
    for attempt in range(4):
        response = sign_in(client, f"wrong-{attempt}")
        assert response.status_code == 200
        assert "Your username and password didn&#x27;t match" in response.content.decode()
    response = sign_in(client, "wrong-5")
    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>Sign-in paused</h1>" in html
    assert "signing in is paused for 15 minutes" in html

    # Locked out: the right password is refused too, and no session is made.
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_lock_out_is_for_that_username_from_that_address(client, editor):
    get_user_model().objects.create_superuser("reviewer", "reviewer@example.com", PASSWORD)
    for attempt in range(5):
        sign_in(client, f"wrong-{attempt}")
    assert sign_in(client, PASSWORD).status_code == 429
    # Another account from the same address can still sign in.
    response = sign_in(client, PASSWORD, username="reviewer")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_forged_forwarded_for_header_does_not_escape_the_lock_out(client, editor):
    # No proxy of ours in front (the default): the header is the visitor's own words.
    for attempt in range(5):
        sign_in(client, f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    assert sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


PROXY = "10.0.0.2"  # the clinic's load balancer, the address every request arrives from


def through_proxy(visitor, forged=""):
    # What the proxy passes on: whatever the visitor sent, then the address it saw.
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {visitor}" if forged else visitor}


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_clinics_proxy_each_visitor_is_locked_out_on_their_own(client, editor):
    for attempt in range(5):
        sign_in(client, f"wrong-{attempt}", **through_proxy("203.0.113.7"))
    assert sign_in(client, PASSWORD, **through_proxy("203.0.113.7")).status_code == 429
    # Forging the other visitor's address in front of their own does not help the first.
    assert sign_in(client, PASSWORD, **through_proxy("203.0.113.7", forged="198.51.100.4")).status_code == 429
    # A stranger's wrong guesses do not lock the real editor out from their own address.
    response = sign_in(client, PASSWORD, **through_proxy("198.51.100.4"))
    assert response.status_code == 302 and response["Location"] == "/admin/"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_with_two_proxies_the_address_the_outer_one_saw_is_the_visitors(client, editor):
    # A caching proxy appends the visitor's address, the load balancer the caching proxy's.
    chain = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.7, 10.0.0.3"}
    for attempt in range(5):
        sign_in(client, f"wrong-{attempt}", **chain)
    assert sign_in(client, PASSWORD, **chain).status_code == 429
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.4, 10.0.0.3"}
    assert sign_in(client, PASSWORD, **other).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, editor):
    for attempt in range(4):
        sign_in(client, f"wrong-{attempt}")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        assert sign_in(client, f"wrong-again-{attempt}").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1!", "too short"), ("password123", "too common"), ("8245671093", "entirely numeric")],
)
def test_weak_passwords_are_refused(password, reason, db):
    with pytest.raises(ValidationError) as error:
        validate_password(password, get_user_model()(username="editor"))
    assert reason in " ".join(error.value.messages)


# --- what an anonymous visitor can reach -----------------------------------------------------


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitors_never_see_drafts_previews_revisions_or_the_admin(client, seeded, editor):
    guide = GuidePage.objects.get()
    index = GuideIndexPage.objects.get(locale__language_code="en-gb")
    # A live guide with an unpublished change, and a guide never published.
    guide.title = "Draft title not for patients"
    draft_revision = guide.save_revision(user=editor)
    draft = GuidePage(
        title="A guide still in draft",
        slug="draft-guide",
        therapy_name="A therapy",
        summary="Not yet.",
        introduction="<p>Secret draft introduction.</p>",
        body=[],
        author=guide.author,
        reviewed_by=guide.reviewed_by,
        last_reviewed=guide.last_reviewed,
        live=False,
    )
    index.add_child(instance=draft)
    draft.save_revision(user=editor)

    assert "Draft title not for patients" not in client.get(GUIDE_URL).content.decode()
    assert client.get("/guides/draft-guide/").status_code == 404
    assert "A guide still in draft" not in client.get("/guides/").content.decode()
    for url in (
        "/admin/",
        f"/admin/pages/{guide.pk}/edit/",
        f"/admin/pages/{guide.pk}/edit/preview/",
        f"/admin/pages/{draft.pk}/view_draft/",
        f"/admin/pages/{guide.pk}/revisions/",
        f"/admin/pages/{guide.pk}/revisions/{draft_revision.pk}/view/",
        f"/admin/pages/{guide.pk}/history/",
        "/admin/snippets/pages/person/",
        "/admin/settings/pages/clinicsettings/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
    ):
        response = client.get(url)
        assert_sent_to_sign_in(response)
        assert "Draft title not for patients" not in response.content.decode()
    for url in (f"/admin/pages/{guide.pk}/edit/preview/", f"/admin/pages/{guide.pk}/edit/"):
        assert_sent_to_sign_in(client.post(url, {"title": "Changed by a stranger"}))
    guide.refresh_from_db()
    assert guide.title == "A Patient's Guide to NK Cell Therapy"


def test_a_private_guide_asks_for_its_password_or_a_sign_in(client, seeded):
    guide = GuidePage.objects.get()
    restriction = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.PASSWORD, password="clinic-only"
    )
    response = client.get(GUIDE_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "password" in html.lower()
    assert "At its core, NK cell therapy is a form of immunotherapy" not in html
    # It leaves the public lists too.
    assert GUIDE_URL not in client.get("/guides/").content.decode()
    assert GUIDE_URL not in client.get("/").content.decode()

    restriction.restriction_type = PageViewRestriction.LOGIN
    restriction.save()
    response = client.get(GUIDE_URL)
    assert response.status_code == 302 and "next=" in response["Location"]
