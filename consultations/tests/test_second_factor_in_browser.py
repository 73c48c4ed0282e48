"""A coordinator sets up an authenticator app and signs in with its code, in Chromium on a phone."""

import base64

import pytest
from django_otp.oath import totp

from consultations.roles import COORDINATORS
from tests.browser.staff import no_problems, sign_in, sign_in_with_second_factor, staff_member
from tests.browser.support import shot

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def code_from_app(key, drift=0):
    """What an authenticator app shows for the key the person typed into it."""
    secret = base64.b32decode(key.replace(" ", ""))
    return f"{totp(secret, drift=drift):06d}"


def test_a_coordinator_sets_up_an_app_then_signs_in_with_its_code(site, chromium):
    staff_member("coordinator", COORDINATORS)
    page = sign_in(chromium, site, "coordinator", viewport=PHONE, lands_on=None)
    page.wait_for_url("**/admin/second-factor/?next=/admin/")
    # A QR code to scan, whole on a phone's screen, on white in the light and the dark theme alike.
    qr_code = page.get_by_role("img", name="QR code to scan with your authenticator app")
    assert qr_code.is_visible()
    box = qr_code.bounding_box()
    assert box["width"] == box["height"] >= 200 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # The code field's autofocus scrolled the page's heading away; a person arriving sees it first.
    page.get_by_role("heading", name="Set up your authenticator app").scroll_into_view_if_needed()
    shot(page, "second-factor-setup", full_page=True)
    page.emulate_media(color_scheme="dark")
    assert qr_code.locator("path").first.evaluate("path => getComputedStyle(path).fill") == "rgb(255, 255, 255)"
    shot(page, "second-factor-setup-dark", full_page=True)
    # Can't scan? The key to type instead.
    key = page.locator("#second-factor-key").inner_text()
    page.get_by_role("textbox", name="Code").fill(code_from_app(key))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept my recovery codes").click()
    page.wait_for_url(site + "/admin/")
    page.goto(site + "/admin/snippets/consultations/consultationrequest/")
    assert page.get_by_role("heading", name="Consultation requests").first.is_visible()
    assert no_problems(page) == []
    page.context.close()

    # Next time: password, then the app's newest code.
    page = sign_in(chromium, site, "coordinator", viewport=PHONE, lands_on=None)
    page.wait_for_url("**/admin/second-factor/verify/?next=/admin/")
    page.goto(site + "/admin/snippets/consultations/consultationrequest/")
    page.wait_for_url("**/admin/second-factor/verify/**")  # nothing else until the code is entered
    page.get_by_label("Code").fill(code_from_app(key, drift=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/snippets/consultations/consultationrequest/")
    page.context.close()


def test_a_coordinator_makes_new_recovery_codes_from_their_account_and_can_copy_them(site, chromium):
    staff_member("coordinator", COORDINATORS)
    page = sign_in_with_second_factor(chromium, site, "coordinator")
    page.goto(site + "/admin/account/")
    page.get_by_role("tab", name="More actions").click()
    page.get_by_role("link", name="Make new recovery codes").click()
    page.get_by_role("heading", name="New recovery codes").wait_for()
    page.get_by_role("button", name="Make new recovery codes").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert page.get_by_label("All the codes, to copy").input_value() == "\n".join(codes)
    assert page.get_by_role("button", name="Print the codes").is_visible()
    shot(page, "second-factor-new-recovery-codes", full_page=True)
    assert no_problems(page) == []
    page.context.close()


def test_an_administrator_resets_a_colleagues_lost_phone_from_the_users_list(site, chromium):
    staff_member("coordinator", COORDINATORS, first_name="Rosa")
    sign_in_with_second_factor(chromium, site, "coordinator").context.close()
    staff_member("administrator", superuser=True)
    page = sign_in_with_second_factor(chromium, site, "administrator")
    page.goto(site + "/admin/users/")
    row = page.get_by_role("row").filter(has_text="coordinator")
    row.get_by_role("button", name="More options").click()
    row.get_by_role("link", name="Reset second factor").click()
    page.get_by_role("heading", name="Reset second factor").wait_for()
    shot(page, "second-factor-reset", full_page=True)
    page.get_by_role("button", name="Remove Rosa's authenticator app").click()
    page.wait_for_url(site + "/admin/users/")
    message = page.get_by_text("Rosa's authenticator app was removed.")
    assert message.is_visible()
    assert no_problems(page) == []
    page.context.close()

    # Rosa signs in and is asked to set up a new app.
    page = sign_in(chromium, site, "coordinator", lands_on=None)
    page.wait_for_url("**/admin/second-factor/?next=/admin/")
    assert page.get_by_role("heading", name="Set up your authenticator app").is_visible()
    page.context.close()
