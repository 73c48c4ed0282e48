from django.apps import AppConfig


class SearchesConfig(AppConfig):
    """The search page, staff's synonyms, the passage each result shows, "Did you mean", what patients
    search the guides for, which searches find nothing, promoted guides.
    It may import pages and lmi_site's groundwork; no other app imports it."""

    name = "searches"
    verbose_name = "Searches"
    default_auto_field = "django.db.models.BigAutoField"
