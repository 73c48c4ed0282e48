from django.core.management.base import BaseCommand, CommandError

from pages.seeding import SITE_FILE, SeedError, seed


class Command(BaseCommand):
    help = (
        "Build the site's pages, people and settings from fixtures/ and publish them. "
        "Safe to run again: it changes only what differs and keeps staff edits unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "guides",
            nargs="*",
            help="Guide files to load (default: every fixtures/guides/*.yaml).",
        )
        parser.add_argument("--site", default=str(SITE_FILE), help="The site-wide file (default: %(default)s).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace staff edits with the fixture's content; the edited version stays in the page's history.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only a new database (no pages beyond migrate's and no page history); `make serve` uses it.",
        )

    def handle(self, *args, guides, site, force, if_empty, **options):
        if force and if_empty:
            raise CommandError(
                "Choose --force or --if-empty, not both: one replaces content, the other never touches it."
            )
        try:
            report = seed(site_path=site, guide_paths=guides or None, force=force, only_if_empty=if_empty)
        except SeedError as error:
            raise CommandError(f"Nothing was written. {error}") from error
        for line in report:
            self.stdout.write(line)
