"""A one-time code from an authenticator app for whoever can see patients' details, by real requests."""

import base64
import re
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import segno
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.roles import COORDINATORS

SETUP = "/admin/second-factor/"
VERIFY = "/admin/second-factor/verify/"
LIST_URL = "/admin/snippets/consultations/consultationrequest/"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def code_for(user, offset=0):
    """The code the person's app shows; offset 1 is the next one (a code is never accepted twice)."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, digits=device.digits, drift=offset):06d}"


def set_up(client, user):
    response = client.get(SETUP)
    assert response.status_code == 200
    key = BeautifulSoup(response.content, "html.parser").select_one("#second-factor-key").get_text()
    assert re.fullmatch(r"[A-Z2-7 ]+", key)
    response = client.post(f"{SETUP}?next={LIST_URL}", {"code": code_for(user)})
    assert response.status_code == 200
    codes = [c.get_text() for c in BeautifulSoup(response.content, "html.parser").select("#recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("superuser", [False, True], ids=["coordinator", "superuser"])
def test_whoever_sees_patients_must_set_up_an_app_before_anything_else(make_staff, seeded, superuser):
    user, client = make_staff(COORDINATORS, username="coordinator")
    if superuser:
        user.is_superuser = True
        user.save()
    for url in ("/admin/", LIST_URL, "/admin/pages/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"{SETUP}?next={url}", url
    client.get(SETUP)
    wrong = client.post(SETUP, {"code": "000000" if code_for(user) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(LIST_URL).status_code == 302
    time.sleep(1.1)  # django-otp slows down the next try after a wrong code
    set_up(client, user)
    assert client.get(LIST_URL).status_code == 200


def test_each_later_sign_in_asks_for_a_code_and_refuses_a_wrong_one(make_staff, seeded):
    user, client = make_staff(COORDINATORS, username="coordinator")
    set_up(client, user)
    later = signed_in(user)
    response = later.get(LIST_URL)
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next={LIST_URL}"
    wrong = later.post(f"{VERIFY}?next={LIST_URL}", {"code": "12345"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert later.get(LIST_URL).status_code == 302
    time.sleep(1.1)  # django-otp slows down the next try after a wrong code
    right = later.post(f"{VERIFY}?next={LIST_URL}", {"code": code_for(user, offset=1)})
    assert right.status_code == 302 and right["Location"] == LIST_URL
    assert later.get(LIST_URL).status_code == 200


def test_a_recovery_code_signs_in_once(make_staff, seeded):
    user, client = make_staff(COORDINATORS, username="coordinator")
    codes = set_up(client, user)
    first = signed_in(user)
    assert first.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert first.get(LIST_URL).status_code == 200
    second = signed_in(user)
    response = second.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()


def test_after_a_code_only_the_admin_is_a_place_to_go_next(make_staff, seeded):
    user, client = make_staff(COORDINATORS, username="coordinator")
    set_up(client, user)
    later = signed_in(user)
    response = later.post(f"{VERIFY}?next=https://evil.example/", {"code": code_for(user, offset=1)})
    assert response["Location"] == "/admin/"


def test_other_staff_are_not_asked_unless_they_choose_to_set_up_an_app(make_staff, seeded):
    user, client = make_staff("Editors")
    assert client.get("/admin/").status_code == 200
    set_up(client, user)
    later = signed_in(user)
    assert later.get("/admin/")["Location"] == f"{VERIFY}?next=/admin/"


def test_signing_out_and_the_public_site_never_ask_for_a_code(make_staff, seeded):
    _, client = make_staff(COORDINATORS, username="coordinator")
    assert client.get("/").status_code == 200
    assert client.get("/consultation/").status_code == 200
    assert client.post("/admin/logout/").status_code == 302


def dark_modules(svg):
    """The modules segno's SVG path draws dark, as (row, column) counted from the outer edge of the quiet zone.

    The path is one stroke per run of dark modules: "M x y.5" moves to a row, "m dx dy" moves on,
    "h n" draws n modules along it.
    """
    x = y = 0.0
    dark = set()
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", svg.select_one("path.qrline")["d"]):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            dark.update((int(y), int(x) + step) for step in range(int(first)))
            x += float(first)
    return dark


def test_the_setup_page_shows_a_qr_code_of_the_apps_setup_url_drawn_on_the_page_itself(make_staff, seeded):
    user, client = make_staff(COORDINATORS, username="coordinator")
    response = client.get(SETUP)
    page = BeautifulSoup(response.content, "html.parser")
    device = TOTPDevice.objects.get(user=user)
    secret = base64.b32encode(device.bin_key).decode()

    # The setup URL names the clinic and the person, and carries the device's secret.
    url = urlsplit(device.config_url)
    assert (url.scheme, url.netloc, unquote(url.path)) == (
        "otpauth",
        "totp",
        f"/{settings.OTP_TOTP_ISSUER}:coordinator",
    )
    query = parse_qs(url.query)
    assert query["secret"] == [secret] and query["issuer"] == [settings.OTP_TOTP_ISSUER]
    assert settings.OTP_TOTP_ISSUER == "Longevity Medical Institute"

    # The QR code: inline SVG with a name, black on white, inside a white quiet zone of four modules.
    (svg,) = page.select("main svg[role=img]")
    assert svg["aria-label"] == "QR code to scan with your authenticator app"
    drawn = dark_modules(svg)
    size = max(column for _, column in drawn) + 1 - 4
    quiet_zone = svg.select_one("path[fill]")
    assert quiet_zone["fill"] == "#fff" and quiet_zone["d"] == f"M0 0h{size + 8}v{size + 8}h-{size + 8}z"
    assert svg.select_one("path.qrline")["stroke"] == "#000"
    assert min(row for row, _ in drawn) == min(column for _, column in drawn) == 4
    # What it encodes: the modules are exactly those of a QR code of the setup URL (at one of the error
    # correction levels). Not read back by a QR decoder, which the project does not have.
    drawn = {(row - 4, column - 4) for row, column in drawn}
    codes = [segno.make(device.config_url, error=level, micro=False) for level in "lmqh"]
    assert any(
        drawn == {(r, c) for r, line in enumerate(code.matrix) for c, module in enumerate(line) if module}
        for code in codes
    )

    # Can't scan? The same secret, to type, with the account's name.
    assert page.select_one("#second-factor-key").get_text().replace(" ", "") == secret
    assert page.select_one("#second-factor-issuer").get_text() == settings.OTP_TOTP_ISSUER
    # Nothing fetched from elsewhere, and the admin's policy for images is unchanged.
    assert not page.select("img[src*='//'], svg image")
    # (The header's directives come in no fixed order.)
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "img-src 'self' data: blob:" in directives


# --- in the admin, not the shell: new recovery codes, a colleague's lost phone ----------------

RECOVERY = "/admin/second-factor/recovery-codes/"


def test_a_coordinator_makes_new_recovery_codes_and_the_old_ones_stop_working(make_staff, seeded):
    from wagtail.models import ModelLogEntry

    user, client = make_staff(COORDINATORS, username="coordinator")
    old = set_up(client, user)
    client.post(VERIFY, {"code": old[0]})  # uses one
    account = client.get("/admin/account/").content.decode()
    assert RECOVERY in account and "Make new recovery codes" in account
    asked = BeautifulSoup(client.get(RECOVERY).content, "html.parser").get_text(" ")
    assert "You have 10 recovery codes left." in " ".join(asked.split())

    response = client.post(RECOVERY)
    soup = BeautifulSoup(response.content, "html.parser")
    new = [code.get_text() for code in soup.select("#recovery-codes code")]
    assert len(new) == 10 and not set(new) & set(old)
    # The same codes in one box to copy, one a line.
    assert soup.select_one("#recovery-codes-text").get_text() == "\n".join(new)
    assert soup.find("button", string="Print the codes")
    assert ModelLogEntry.objects.filter(action="consultations.recovery_codes_replaced", user=user).count() == 1

    again = signed_in(user)
    again.get(VERIFY)
    refused = again.post(VERIFY, {"code": old[1]})
    assert "That code is not right" in refused.content.decode()
    time.sleep(1.1)
    assert again.post(VERIFY, {"code": new[0]}).status_code == 302


def test_making_new_codes_needs_the_second_factor_entered_first(make_staff, seeded):
    user, client = make_staff(COORDINATORS, username="coordinator")
    set_up(client, user)
    later = signed_in(user)  # password only
    response = later.post(RECOVERY)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_an_administrator_resets_a_colleagues_lost_authenticator_and_it_is_logged(make_staff, seeded):
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice
    from wagtail.models import ModelLogEntry

    colleague, colleague_client = make_staff(COORDINATORS, username="coordinator")
    set_up(colleague_client, colleague)
    admin = get_user_model().objects.create_superuser("administrator", "admin@example.com", "a-long-password")
    admin_client = signed_in(admin)
    reset_url = f"/admin/second-factor/reset/{colleague.pk}/"
    # Password alone is not enough to take away someone's second factor.
    assert admin_client.get(reset_url)["Location"].startswith(SETUP)
    set_up(admin_client, admin)

    listing = admin_client.get("/admin/users/").content.decode()
    assert reset_url in listing
    page = admin_client.get(reset_url).content.decode()
    assert "Remove coordinator&#x27;s authenticator app" in page or "Remove coordinator's authenticator app" in page
    done = admin_client.post(reset_url, follow=True)
    assert "authenticator app was removed" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    entry = ModelLogEntry.objects.get(action="consultations.second_factor_reset")
    assert entry.user == admin and entry.object_id == str(colleague.pk)
    # At their next sign-in they set up a new app.
    assert signed_in(colleague).get(LIST_URL)["Location"] == f"{SETUP}?next={LIST_URL}"


def test_only_account_administrators_reset_a_second_factor_and_never_their_own(make_staff, seeded):
    colleague, colleague_client = make_staff(COORDINATORS, username="coordinator")
    set_up(colleague_client, colleague)
    other, other_client = make_staff(COORDINATORS, username="second-coordinator")
    set_up(other_client, other)
    url = f"/admin/second-factor/reset/{colleague.pk}/"
    for client in (other_client, colleague_client):
        # Wagtail answers a refused admin page by going back to the dashboard with a message.
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302 and response["Location"] == "/admin/"
        assert url not in client.get("/admin/users/").content.decode()
    assert TOTPDevice.objects.filter(user=colleague).exists()
