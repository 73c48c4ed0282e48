from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Consultation requests: the request and privacy pages, the form handling, the coordinators' area, contact settings.
    It may import pages and lmi_site's groundwork; it seeds its pages through pages' "seed_content" hook."""

    name = "consultations"
    verbose_name = "Consultation requests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the privacy notice's deployment check)
