import io
import logging
import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

# Any fixed number, the same in every instance: PostgreSQL lets one session hold it at a time.
ADVISORY_LOCK_ID = 7_160_901


class Command(BaseCommand):
    help = (
        "Publish and unpublish pages at the times staff chose under “Go live date/time” and “Expiry date/time” (Set schedule), checking "
        "every --every seconds until stopped. `make run` and `make serve` start it beside the site. "
        "Several instances may run it: on PostgreSQL only one at a time does the work."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=30, help="Seconds between checks (default 30).")

    def handle(self, *args, every, **options):
        if every < 1:
            raise CommandError(f"--every must be at least 1 second, not {every}.")
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        self.stdout.write(f"Publishing scheduled pages every {every} seconds.")
        while not stopping.is_set():
            self.run_once()
            stopping.wait(every)

    def run_once(self):
        # Wagtail's own command does the publishing, so a scheduled page is published (and the
        # caches purged) exactly as a Publish in the editor would do it.
        output = io.StringIO()
        try:
            close_old_connections()
            if self.take_turn():
                try:
                    call_command("publish_scheduled", stdout=output)
                finally:
                    self.end_turn()
        except Exception:
            # The database may be away for a moment; the next check tries again.
            logger.exception("Scheduled publishing failed; it will be tried again")
        finally:
            close_old_connections()
        if output.getvalue().strip():
            self.stdout.write(output.getvalue().rstrip())

    @staticmethod
    def take_turn():
        if connection.vendor != "postgresql":
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_ID])
            return cursor.fetchone()[0]

    @staticmethod
    def end_turn():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_ID])
