"""Serving the consultation request page: the form, the checks, storing the request, the confirmation.

Written out rather than as a Wagtail form page (wagtail.contrib.forms): those store each
submission as a JSON blob that the page's editors can read and export, whereas a patient's
details must be seen only by coordinators, stored once per form, and be erasable by email.
"""

import logging
import re

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language, gettext, gettext_lazy
from wagtail.models import Site

from lmi_site.keeping import until_content_changes
from pages.models import GuidePage

from . import notifications, protection
from .forms import NOT_SURE, ConsultationRequestForm
from .models.contact import DEFAULT_CONFIRMATION, contact_settings
from .models.request import ConsultationRequest

logger = logging.getLogger(__name__)

REFUSALS = {
    "missing": gettext_lazy(
        "Something went wrong with this form, so your request was not sent. Your details are still "
        "here: please check them and press “Send request” again."
    ),
    "too-old": gettext_lazy(
        "This form was open for a long time, so for your safety your request was not sent. Your details "
        "are still here: please check them and press “Send request” again."
    ),
    "too-fast": gettext_lazy(
        "Your request was sent very quickly after the form opened, so it was held back in case it came "
        "from a computer program. Your details are still here: please press “Send request” again."
    ),
    "rate": gettext_lazy(
        "Several requests have been sent from your connection in the last hour, so this one was not sent. "
        "Please try again in an hour."
    ),
    # The database could not store it (away, or not answering in time): nothing was stored.
    "unavailable": gettext_lazy("We could not send your request just now. Please try again in a few minutes."),
}
# What the database raises when it cannot be reached or does not answer in time (statement_timeout).
DATABASE_AWAY = (OperationalError, InterfaceError)


def published_treatments():
    """(guide slug, therapy name) for each guide published in the page's language, one per
    therapy, in the guides' order: a Spanish reader chooses among the Spanish guides' therapies.

    Kept until content changes, so the form can come back with a patient's answers while the
    database is away (_could_not_store)."""
    language = get_language()
    return until_content_changes(f"consultation-treatments:{language}", lambda: _treatments_from_database(language))


def _guides_in(language):
    return GuidePage.objects.live().public().filter(locale__language_code=language)


def _treatments_from_database(language):
    treatments, names = [], set()
    for slug, name in _guides_in(language).order_by("path").values_list("slug", "therapy_name"):
        if name and name not in names:
            names.add(name)
            treatments.append((slug, name))
    return treatments


def serve_consultation_page(page, request, sent=False):
    if sent:
        if request.method == "POST":
            return HttpResponseRedirect(page.get_url(request) + "sent/", status=303)
        contact = contact_settings(Site.find_for_request(request))
        response = _render(
            page, request, "consultations/consultation_request_sent.html", **_confirmation(contact.confirmation_message)
        )
    elif request.method == "POST":
        response = _receive(page, request)
    else:
        treatments = published_treatments()
        # From a guide (?guide=<its number>): its treatment chosen, and the guide kept with the request.
        guide = _guide(request.GET.get("guide", ""))
        initial = {}
        if guide is not None:
            chosen = {name: slug for slug, name in reversed(treatments)}.get(guide.therapy_name, "")
            initial = {"treatment": chosen, "from_guide": str(guide.pk)}
        form = ConsultationRequestForm(treatments=treatments, initial=initial)
        response = _render_form(page, request, form, protection.new_form_token())
    # The form carries a CSRF token and a token of its own: no cache or proxy may keep or share it.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def _confirmation(message):
    """What happens next, as the clinic's settings say it. Our own default wording is in the page's
    language; words the clinic wrote itself are kept in English only (settings are not translated),
    so the page marks them as English."""
    if message == DEFAULT_CONFIRMATION:
        return {"confirmation": gettext(DEFAULT_CONFIRMATION), "confirmation_in_english": False}
    return {"confirmation": message, "confirmation_in_english": True}


def _render(page, request, template, **extra):
    context = page.get_context(request)
    context.update(extra)
    return TemplateResponse(request, template, context)


def _render_form(page, request, form, form_token, refusal="", status=200):
    response = _render(
        page,
        request,
        page.template,
        form=form,
        form_token=form_token,
        refusal=refusal,
        honeypot_field=protection.HONEYPOT_FIELD,
    )
    response.status_code = status
    return response


def _receive(page, request):
    try:
        return _check_and_store(page, request)
    except DATABASE_AWAY as error:
        # Nothing is half-stored (the request is saved in one transaction) and the form token is
        # kept, so sending again stores it once, or finds it stored.
        logger.error("Consultation request not stored: the database is unavailable (%s)", type(error).__name__)
        return _could_not_store(page, request)


def _could_not_store(page, request):
    """The form again with the patient's answers, drawn without the database (the site's header
    and footer read it), and a calm word to try again."""
    try:
        treatments = published_treatments()
    except DATABASE_AWAY:
        # Neither the database nor the cache has the list: keep the patient's own choice.
        chosen = request.POST.get("treatment", "")
        treatments = [(chosen, chosen)] if chosen and chosen != NOT_SURE else []
    form = ConsultationRequestForm(request.POST, treatments=treatments)
    form.is_valid()  # their answers, as they typed them; the message says why it was not sent
    form_token = request.POST.get("form_token", "")
    if protection.check_form_token(form_token).problem not in ("", "too-fast"):
        form_token = protection.new_form_token()
    context = {
        "page": page,
        "form": form,
        "form_token": form_token,
        "refusal": REFUSALS["unavailable"],
        "honeypot_field": protection.HONEYPOT_FIELD,
        "privacy_url": "",
        "form_action": request.path,
    }
    # 200, as for any form sent back to be corrected: a proxy or CDN in front may put its own page
    # in place of a 5xx answer's, and the patient's answers would go with it. The log says why.
    return TemplateResponse(request, "consultations/consultation_request_retry.html", context)


def _check_and_store(page, request):
    sent_url = page.get_url(request) + "sent/"
    if request.POST.get(protection.HONEYPOT_FIELD):
        # A field no person sees was filled in: a program. It is told "sent" and nothing is stored.
        logger.info("Consultation request not stored: the hidden field was filled in")
        return HttpResponseRedirect(sent_url, status=303)

    form = ConsultationRequestForm(request.POST, treatments=published_treatments())
    token_value = request.POST.get("form_token", "")
    token = protection.check_form_token(token_value)
    if token.submission_id and ConsultationRequest.objects.filter(submission_token=token.submission_id).exists():
        # Sent already (a second press, a reload, a resend after going back): the same confirmation.
        return HttpResponseRedirect(sent_url, status=303)
    # A token past repair is replaced; one sent too fast keeps its time, so pressing again works.
    keep_token = token.problem in ("", "too-fast")
    next_token = token_value if keep_token else protection.new_form_token()

    if not form.is_valid():
        refusal = REFUSALS[token.problem] if token.problem in ("missing", "too-old") else ""
        return _render_form(page, request, form, next_token, refusal=refusal)
    if token.problem:
        return _render_form(page, request, form, next_token, refusal=REFUSALS[token.problem])
    if protection.over_rate_limit(request):
        logger.warning("Consultation request refused: too many from one address in the rate-limit window")
        return _render_form(page, request, form, next_token, refusal=REFUSALS["rate"], status=429)

    data = form.cleaned_data
    treatment = "Not sure" if data["treatment"] == NOT_SURE else form.treatment_name()
    try:
        with transaction.atomic():
            consultation, created = ConsultationRequest.objects.get_or_create(
                submission_token=token.submission_id,
                defaults={
                    "full_name": data["full_name"],
                    "email": data["email"],
                    "phone": data["phone"],
                    "country": data["country"],
                    "contact_method": data["contact_method"],
                    "preferred_language": data["preferred_language"],
                    "treatment": treatment,
                    "message": data["message"],
                    "sent_from": _guide(data["from_guide"]),
                    "consented_at": timezone.now(),
                },
            )
    except IntegrityError:
        # The same form, sent at the same moment by a second press, was stored by the other request.
        created = False
    if created:
        protection.count_request(request)
        # Only now, with the request safely stored, is anyone told about it.
        try:
            notifications.tell_coordinators(request, consultation)
        except DATABASE_AWAY:
            # Stored: the patient is confirmed; coordinators find it in the admin's list.
            logger.error("%s stored, but the database went away before the coordinators were told", consultation)
    return HttpResponseRedirect(sent_url, status=303)


def _guide(number):
    """The live, public guide with this number (its page id, in any language); None if none is."""
    if not re.fullmatch(r"[0-9]{1,12}", number):
        return None
    return GuidePage.objects.live().public().filter(pk=int(number)).first()


def csrf_failure(request, reason=""):
    """Django's CSRF refusal, in words a patient can act on (settings.CSRF_FAILURE_VIEW).

    Stands alone like the other error pages; the technical reason goes to the log, not the page.
    """
    logger.warning("Form refused by the CSRF check: %s", reason)
    return TemplateResponse(request, "consultations/csrf_failure.html", status=403)
