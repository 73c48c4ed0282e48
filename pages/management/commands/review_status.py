from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError

from pages.review import ReviewRefused, check_mark_reviewed, guides_with_review_dates, human_date


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
        rows = [("Guide", "Last reviewed", "Next review due", "Medical reviewer", "Status")]
        rows += [
            (g.title, human_date(g.last_reviewed), human_date(g.next_due), g.reviewer_name, g.status_label)
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
        user = guide.reviewed_by.user if guide.reviewed_by else None
        if user is None or not user.email:
            who = guide.reviewer_name or "no medical reviewer"
            self.stderr.write(f"Not emailed: “{guide.title}” — {who} has no linked account with an email address.")
            return
        edit_url = f"{settings.WAGTAILADMIN_BASE_URL}/admin/pages/{guide.pk}/edit/"
        sent = send_mail(
            subject=f"Medical review overdue: {guide.title}",
            message=(
                f"Dear {guide.reviewed_by.name},\n\n"
                f"The guide “{guide.title}” was last reviewed on {human_date(guide.last_reviewed)} "
                f"and was due for review on {human_date(guide.next_due)}.\n\n"
                f"{self.what_to_do(guide, user)}\n{edit_url}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        if sent:
            self.stdout.write(f"Emailed {user.email} about “{guide.title}”.")
        else:
            self.stderr.write(f"Not emailed: “{guide.title}” — no mail server is configured (EMAIL_HOST).")

    @staticmethod
    def what_to_do(guide, user):
        """Ask for "Mark as reviewed" only where that button will work for this reviewer."""
        try:
            check_mark_reviewed(guide, user)
        except ReviewRefused as refusal:
            return f"Please review it. {refusal} The guide in the admin:"
        except PermissionDenied:
            return (
                "Please review it. Your account cannot mark guides as reviewed yet: ask an administrator "
                "to add it to the Medical reviewers group. The guide in the admin:"
            )
        return "Please review it and choose “Mark as reviewed” in the admin:"
