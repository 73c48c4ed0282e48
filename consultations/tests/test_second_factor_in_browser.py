"""A coordinator sets up an authenticator app and signs in with its code, in Chromium on a phone."""

import base64

import pytest
from django_otp.oath import totp

from consultations.roles import COORDINATORS
from tests.browser.staff import PASSWORD, no_problems, staff_member

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def sign_in_with_password(chromium, site, username):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def code_from_app(key, drift=0):
    """What an authenticator app shows for the key the person typed into it."""
    secret = base64.b32decode(key.replace(" ", ""))
    return f"{totp(secret, drift=drift):06d}"


def test_a_coordinator_sets_up_an_app_then_signs_in_with_its_code(site, chromium):
    staff_member("coordinator", COORDINATORS)
    page = sign_in_with_password(chromium, site, "coordinator")
    page.wait_for_url("**/admin/second-factor/?next=/admin/")
    key = page.locator("#second-factor-key").inner_text()
    page.get_by_label("Code").fill(code_from_app(key))
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
    page = sign_in_with_password(chromium, site, "coordinator")
    page.wait_for_url("**/admin/second-factor/verify/?next=/admin/")
    page.goto(site + "/admin/snippets/consultations/consultationrequest/")
    page.wait_for_url("**/admin/second-factor/verify/**")  # nothing else until the code is entered
    page.get_by_label("Code").fill(code_from_app(key, drift=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/snippets/consultations/consultationrequest/")
    page.context.close()
