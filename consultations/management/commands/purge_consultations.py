"""Delete closed consultation requests whose retention period has passed (run daily from cron; see docs/consultations.md)."""

from django.core.management.base import BaseCommand, CommandError

from consultations.retention import purge_expired, retention_months


class Command(BaseCommand):
    help = (
        "Delete consultation requests closed more than N months ago (N: --months, or the clinic's "
        "'keep closed requests for' setting, 12 unless changed). Each deletion is written to the audit log "
        "by request number only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, help="Override the clinic's setting for this run.")

    def handle(self, *args, months=None, **options):
        if months is not None and not 1 <= months <= 120:
            raise CommandError(f"--months must be between 1 and 120, not {months}.")
        months = months or retention_months()
        count = purge_expired(months)
        self.stdout.write(
            f"Deleted {count} closed consultation request{'s' if count != 1 else ''} older than {months} months."
        )
