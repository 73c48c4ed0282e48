"""Telling the coordinators a request arrived: a link to it, and nothing of the patient's.

Email crosses servers the clinic does not control, so it carries no name, address, treatment
or message; the coordinator signs in to read them. A failure to send never loses the request:
it is stored first, and the failure is logged (with the request's number only).
"""

import logging
import threading

from django.conf import settings
from django.core.mail import send_mail
from django.core.signals import request_finished
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from consultations.models.contact import contact_settings

logger = logging.getLogger(__name__)

SUBJECT = "New consultation request"


def admin_url(consultation):
    # The admin's own address (WAGTAILADMIN_BASE_URL), not the public request's host.
    path = reverse("wagtailsnippets_consultations_consultationrequest:edit", args=[consultation.pk])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# Mail waiting to be sent once this thread's response has gone to the patient.
_after_response = threading.local()


def tell_coordinators(request, consultation):
    """Email the coordinators' address, once the patient has had their answer: a slow mail server
    (EMAIL_TIMEOUT bounds it) then delays nobody. The message is made now, while the request is."""
    recipient = contact_settings(Site.find_for_request(request)).coordinator_email
    if not recipient:
        logger.warning("%s stored; no coordinators' email address is set, so nobody was emailed", consultation)
        return
    body = (
        f"A new consultation request arrived at {timezone.localtime(consultation.received_at):%H:%M on %d %B %Y}"
        f" ({timezone.get_current_timezone_name()}).\n\n"
        f"Sign in to read it:\n{admin_url(consultation)}\n\n"
        "For the patient's privacy this email holds none of their details.\n"
    )
    _after_response.mail = [*getattr(_after_response, "mail", []), (str(consultation), recipient, body)]


def _send_waiting_mail(**kwargs):
    waiting, _after_response.mail = getattr(_after_response, "mail", []), []
    for consultation, recipient, body in waiting:
        try:
            sent = send_mail(SUBJECT, body, None, [recipient])
        except Exception:
            logger.exception("%s stored, but the email to the coordinators could not be sent", consultation)
            continue
        if not sent:
            logger.warning("%s stored, but no email was sent to the coordinators", consultation)


# Django sends request_finished when the server has sent the response and closes it.
request_finished.connect(_send_waiting_mail, dispatch_uid="consultations-mail-after-response")
