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
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

SEES_PATIENTS = "consultations.view_consultationrequest"
RECOVERY_CODES = 10
# What a signed-in person must reach before their code is checked: signing in and out, these
# pages, and the admin's icons and translations that every admin page (these too) loads.
OPEN_PATHS = ("login/", "logout/", "sprite/", "jsi18n/")
# Of this app's own pages, only setting up and entering a code come before the code is checked.
OPEN_PAGES = ("second-factor/", "second-factor/verify/")
QR_CODE_NAME = "QR code to scan with your authenticator app"
# Written to the colleague's history (Wagtail's audit log), naming who did it.
RESET_ACTION = "consultations.second_factor_reset"
NEW_CODES_ACTION = "consultations.recovery_codes_replaced"


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
                and rest not in OPEN_PAGES
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
                codes = _new_recovery_codes(user)
            django_otp.login(request, device)
            context = {
                "codes": codes,
                "codes_text": "\n".join(codes),
                "next_url": _next_url(request),
                "first_time": True,
            }
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


def _new_recovery_codes(user):
    """A fresh set of recovery codes; whatever codes the person had before stop working."""
    recovery, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        recovery.token_set.create(token=code)
    return codes


def recovery_codes_view(request):
    """New recovery codes for oneself (used up, or the old list lost), after saying the old ones stop working."""
    user = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(reverse("second_factor_setup"))
    if request.method == "POST":
        with transaction.atomic():
            codes = _new_recovery_codes(user)
            # The account itself, not the request's lazy wrapper, which the audit log does not recognise.
            account = get_user_model().objects.get(pk=user.pk)
            log(instance=account, action=NEW_CODES_ACTION, user=account)
        context = {"codes": codes, "codes_text": "\n".join(codes), "next_url": reverse("wagtailadmin_account")}
        return TemplateResponse(request, "consultations/admin/second_factor_codes.html", context)
    left = StaticToken.objects.filter(device__user=user).count()
    return TemplateResponse(request, "consultations/admin/second_factor_new_codes.html", {"left": left})


def can_reset_for(request_user, colleague):
    # Administrators who manage accounts; never one's own (a lost phone is someone else's to reset).
    return request_user.has_perm("auth.change_user") and request_user.pk != colleague.pk


def reset_view(request, user_id):
    """An administrator removes a colleague's lost authenticator and recovery codes; the colleague
    sets up a new app at their next sign-in (RequireSecondFactorMiddleware sends them there)."""
    colleague = get_object_or_404(get_user_model(), pk=user_id)
    if not can_reset_for(request.user, colleague):
        raise PermissionDenied
    if not request.user.is_verified():
        # Taking away someone's second factor needs one's own: set it up or enter it first.
        name = "second_factor_verify" if django_otp.user_has_device(request.user) else "second_factor_setup"
        return redirect(f"{reverse(name)}?next={request.get_full_path()}")
    has_device = django_otp.user_has_device(colleague, confirmed=None)
    if request.method == "POST" and has_device:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=colleague).delete()
            StaticDevice.objects.filter(user=colleague).delete()
            log(instance=colleague, action=RESET_ACTION, user=request.user)
        name = colleague.get_full_name() or colleague.get_username()
        messages.success(
            request, f"{name}'s authenticator app was removed. They will set up a new one when they next sign in."
        )
        return redirect(reverse("wagtailusers_users:index"))
    context = {"colleague": colleague, "has_device": has_device}
    return TemplateResponse(request, "consultations/admin/second_factor_reset.html", context)


def admin_urls():
    return [
        path("second-factor/", setup_view, name="second_factor_setup"),
        path("second-factor/verify/", verify_view, name="second_factor_verify"),
        path("second-factor/recovery-codes/", recovery_codes_view, name="second_factor_recovery_codes"),
        path("second-factor/reset/<int:user_id>/", reset_view, name="second_factor_reset"),
    ]
