from django.core.management.base import BaseCommand, CommandError

from backup.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Load a backup made by backup_content into an empty, migrated database, then rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The .tar.gz file written by backup_content (make backup).")

    def handle(self, *args, backup, **options):
        try:
            manifest = restore_backup(backup)
        except BackupError as error:
            raise CommandError(f"Nothing was restored. {error}") from error
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {total} records and {len(manifest['files'])} files from {backup}.")
