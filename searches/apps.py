from django.apps import AppConfig


class SearchesConfig(AppConfig):
    """What patients search the guides for, and which searches find nothing."""

    name = "searches"
    verbose_name = "Searches"
    default_auto_field = "django.db.models.BigAutoField"
