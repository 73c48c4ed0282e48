"""Erase every consultation request sent from one email address, when the person asks the clinic to."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from consultations.retention import erase_by_email


class Command(BaseCommand):
    help = (
        "Erase every consultation request sent from EMAIL (any letter case), whatever its status. "
        "The audit log records the request numbers, not the address."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        count = erase_by_email(email)
        self.stdout.write(f"Erased {count} consultation request{'s' if count != 1 else ''} from that address.")
