"""Deleting patients' requests: when their time is up, and when a person asks.

Both leave a line in Wagtail's audit log for each request deleted, naming only its number
("Consultation request #12"), who did it and when; never the name, email or anything they sent.
"""

import logging

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from pages.dates import add_months

from .audit import ERASE_ACTION, PURGE_ACTION
from .models.contact import contact_settings
from .models.request import ConsultationRequest

logger = logging.getLogger(__name__)


def retention_months():
    return contact_settings(Site.objects.filter(is_default_site=True).first()).retention_months


def expired_requests(months, now=None):
    cutoff = add_months(now or timezone.now(), -months)
    return ConsultationRequest.objects.filter(status=ConsultationRequest.Status.CLOSED, closed_at__lt=cutoff)


def _delete_logged(queryset, action, user=None):
    with transaction.atomic():
        requests = list(queryset.select_for_update())
        for consultation in requests:
            log(consultation, action, user=user)
        ConsultationRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()
    return len(requests)


def purge_expired(months=None, now=None):
    """Delete closed requests older than the retention period; returns how many."""
    months = months or retention_months()
    count = _delete_logged(expired_requests(months, now), PURGE_ACTION)
    logger.info("Deleted %d closed consultation request(s) past %d months", count, months)
    return count


def erase_by_email(email, user=None):
    """Delete every request sent from this email address (any letter case); returns how many."""
    email = email.strip()
    if not email:
        return 0
    count = _delete_logged(ConsultationRequest.objects.filter(email__iexact=email), ERASE_ACTION, user=user)
    # The address itself is not logged: it is the very detail being erased.
    logger.info("Erased %d consultation request(s) at a person's request", count)
    return count
