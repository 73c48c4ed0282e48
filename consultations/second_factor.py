"""A second factor (a one-time code from an authenticator app) for whoever can see patients' details.

Built on django-otp's TOTP and static (recovery code) devices with two small admin pages of our
own, rather than wagtail-2fa, whose releases name no support for Wagtail 8. Whoever can view
consultation requests (Patient coordinators and superusers) must set up an app and enter a code
after each sign-in before anything else in the admin; other staff may set one up at
/admin/second-factor/ and are then asked for it too. django-otp slows down repeated wrong codes.
"""

import base64

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

SEES_PATIENTS = "consultations.view_consultationrequest"
RECOVERY_CODES = 10
# What a signed-in person must reach before their code is checked: signing in and out, these
# pages, and the admin's icons and translations that every admin page (these too) loads.
OPEN_PATHS = ("login/", "logout/", "second-factor/", "sprite/", "jsi18n/")
QR_CODE_NAME = "QR code to scan with your authenticator app"


def required_for(user):
    return user.has_perm(SEES_PATIENTS) or django_otp.user_has_device(user)


class RequireSecondFactorMiddleware:
    """After django-otp's OTPMiddleware: an admin page for someone whose code is required and not yet entered
    sends them to enter it, or to set up their app if they have none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = settings.ADMIN_URL_PREFIX
        if getattr(settings, "SECOND_FACTOR_REQUIRED", True) and request.path.startswith(prefix):
            rest = request.path[len(prefix) :]
            user = request.user
            if (
                user.is_authenticated
                and not rest.startswith(OPEN_PATHS)
                and not user.is_verified()
                and required_for(user)
            ):
                name = "second_factor_verify" if django_otp.user_has_device(user) else "second_factor_setup"
                return redirect(f"{reverse(name)}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "Enter the code from your authenticator app"},
    )


def qr_code_svg(url):
    """The app's setup URL as a QR code in inline SVG markup.

    Drawn here, so the page asks no other site for an image and the admin's Content-Security-Policy
    stays as it is (an inline <svg> element needs no img-src). Black on white with the standard
    quiet zone of four white modules around it, so a phone reads it in the admin's dark theme too.
    """
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", svgclass="second-factor-qr"
    )
    # Only numbers and fixed words: segno writes no part of the URL into the markup as text.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{QR_CODE_NAME}" ', 1))


def _next_url(request):
    target = request.GET.get("next", "")
    admin = settings.ADMIN_URL_PREFIX
    return target if target.startswith(admin) and not target.startswith("//") else admin


def setup_view(request):
    """Set up an authenticator app: its key, a code from it to confirm, then recovery codes shown once."""
    user = request.user
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        if django_otp.user_has_device(user):
            return redirect(reverse("second_factor_verify"))
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                recovery, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
                recovery.token_set.all().delete()
                codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
                for code in codes:
                    recovery.token_set.create(token=code)
            django_otp.login(request, device)
            context = {"codes": codes, "next_url": _next_url(request)}
            return TemplateResponse(request, "consultations/admin/second_factor_codes.html", context)
        form.add_error("code", "That code is not right. Check the time on your phone and enter the newest code.")
    key = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "qr_code": qr_code_svg(device.config_url),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return TemplateResponse(request, "consultations/admin/second_factor_setup.html", context)


def verify_view(request):
    """Enter a code after signing in (or a recovery code, each usable once)."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not django_otp.user_has_device(request.user):
        return redirect(reverse("second_factor_setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, f"You used a recovery code; {left} left. Set up a new app if you lost yours.")
            return redirect(_next_url(request))
        form.add_error("code", "That code is not right. Enter the newest code your app shows, or a recovery code.")
    return TemplateResponse(request, "consultations/admin/second_factor_verify.html", {"form": form})


def admin_urls():
    return [
        path("second-factor/", setup_view, name="second_factor_setup"),
        path("second-factor/verify/", verify_view, name="second_factor_verify"),
    ]
