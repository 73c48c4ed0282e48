from django.core.management.base import BaseCommand, CommandError

from medical_review.reminders import remind
from medical_review.review import guides_with_review_dates, human_date


class Command(BaseCommand):
    help = (
        "List every guide's medical review dates, soonest due first. Exits with status 1 when any "
        "guide is overdue (for cron and monitoring), 0 when none is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--notify",
            action="store_true",
            help="Email each overdue guide's medical reviewer, at the address of their linked account.",
        )

    def handle(self, *args, notify, **options):
        guides = guides_with_review_dates()
        # Each language's version of a guide is reviewed on its own, so each has its own row.
        rows = [("Guide", "Language", "Last reviewed", "Next review due", "Medical reviewer", "Status")]
        rows += [
            (g.title, g.language, human_date(g.last_reviewed), human_date(g.next_due), g.reviewer_name, g.status_label)
            for g in guides
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())

        overdue = [g for g in guides if g.status_code == "overdue"]
        if notify:
            for guide in overdue:
                self.notify(guide)
        if overdue:
            raise CommandError(f"{len(overdue)} of {len(guides)} guides are overdue for medical review.", returncode=1)
        self.stdout.write(f"No guide is overdue for medical review ({len(guides)} guides).")

    def notify(self, guide):
        reminder = remind(guide)
        if reminder.sent:
            self.stdout.write(f"Emailed {reminder.email} about “{guide.title}” ({guide.language}).")
        else:
            self.stderr.write(f"Not emailed: “{guide.title}” ({guide.language}) — {reminder.reason}")
