"""Telling the coordinators a request arrived: a link to it, and nothing of the patient's.

Email crosses servers the clinic does not control, so it carries no name, address, treatment
or message; the coordinator signs in to read them. A failure to send never loses the request:
it is stored first, and the failure is logged (with the request's number only).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from .frame import contact_settings

logger = logging.getLogger(__name__)

SUBJECT = "New consultation request"


def admin_url(consultation):
    # The admin's own address (WAGTAILADMIN_BASE_URL), not the public request's host.
    path = reverse("wagtailsnippets_consultations_consultationrequest:edit", args=[consultation.pk])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def tell_coordinators(request, consultation):
    """Email the coordinators' address; True if the mail server accepted the message."""
    recipient = contact_settings(Site.find_for_request(request)).coordinator_email
    if not recipient:
        logger.warning("%s stored; no coordinators' email address is set, so nobody was emailed", consultation)
        return False
    body = (
        f"A new consultation request arrived at {timezone.localtime(consultation.received_at):%H:%M on %d %B %Y}"
        f" ({timezone.get_current_timezone_name()}).\n\n"
        f"Sign in to read it:\n{admin_url(consultation)}\n\n"
        "For the patient's privacy this email holds none of their details.\n"
    )
    try:
        sent = send_mail(SUBJECT, body, None, [recipient])
    except Exception:
        logger.exception("%s stored, but the email to the coordinators could not be sent", consultation)
        return False
    if not sent:
        logger.warning("%s stored, but no email was sent to the coordinators", consultation)
    return bool(sent)
