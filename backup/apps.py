from django.apps import AppConfig


class BackupConfig(AppConfig):
    """Whole-site backups in one file and their restore (`make backup`, `make restore`; files go to backups/).
    It may import pages and lmi_site's groundwork; no other app imports it."""

    name = "backup"
    verbose_name = "Backups"
