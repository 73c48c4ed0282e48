from django.apps import AppConfig


class ImpactConfig(AppConfig):
    """Whether each guide helps: privacy-first reading counts (daily totals only), the "Guide impact" report.
    It may import the apps below it and lmi_site's groundwork, to read them; pages never imports it (Wagtail hooks)."""

    name = "impact"
    verbose_name = "Guide impact"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from impact import counting

        counting.connect_signals()
