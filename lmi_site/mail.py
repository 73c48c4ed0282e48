"""What production does with mail when no mail server is configured."""

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class UnconfiguredEmailBackend(BaseEmailBackend):
    """Sends nothing and says so in the log, rather than trying a mail server on this machine.

    Callers see 0 messages sent, so `review_status --notify` can report that nobody was emailed.
    Only the subject is logged: a message body may name people.
    """

    def send_messages(self, email_messages):
        for message in email_messages:
            logger.warning("Not sent, because EMAIL_HOST is not set: %r", message.subject)
        return 0
