from django.core.management.base import BaseCommand, CommandError

from backup.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write the site's content (pages with their revisions, people, settings, users, images and "
        "documents with their files) to one .tar.gz file that restore_content can load."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", default="backups", help="Folder for the backup file (default: %(default)s)."
        )

    def handle(self, *args, output_dir, **options):
        try:
            path = write_backup(output_dir)
        except BackupError as error:
            raise CommandError(f"No backup was written. {error}") from error
        self.stdout.write(str(path))
