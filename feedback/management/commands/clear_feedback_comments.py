"""Clear the words of feedback comments past their time (run daily from cron; cron line in docs/consultations.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from feedback.retention import clear_old_comments


class Command(BaseCommand):
    help = (
        "Clear the comments of patient feedback received more than N months ago (N: --months, or "
        "FEEDBACK_COMMENTS_KEPT_MONTHS, 24). Whether the guide was helpful, and when, is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, help="Override FEEDBACK_COMMENTS_KEPT_MONTHS for this run.")

    def handle(self, *args, months=None, **options):
        if months is not None and not 1 <= months <= 120:
            raise CommandError(f"--months must be between 1 and 120, not {months}.")
        months = months or settings.FEEDBACK_COMMENTS_KEPT_MONTHS
        count = clear_old_comments(months)
        self.stdout.write(f"Cleared {count} feedback comment{'s' if count != 1 else ''} older than {months} months.")
