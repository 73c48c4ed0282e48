"""How long patients' comments are kept.

Feedback is anonymous by design, but a patient may still type their name or their health into the
comment box despite the note above it. The words are cleared once they are older than
FEEDBACK_COMMENTS_KEPT_MONTHS (two medical reviews' worth at the usual yearly interval); the yes
or no and the date stay, so a guide's record of how helpful it was is not lost.
"""

import logging

from django.conf import settings
from django.utils import timezone

from pages.dates import add_months

from .models import GuideFeedback

logger = logging.getLogger(__name__)


def clear_old_comments(months=None, now=None):
    """Blank every comment received more than `months` ago; returns how many were cleared."""
    months = months or settings.FEEDBACK_COMMENTS_KEPT_MONTHS
    cutoff = add_months(now or timezone.now(), -months)
    count = GuideFeedback.objects.filter(received_at__lt=cutoff).exclude(comment="").update(comment="")
    logger.info("Cleared %d feedback comment(s) older than %d months", count, months)
    return count
