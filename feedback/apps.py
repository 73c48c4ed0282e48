from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Patients' answers to "Was this guide helpful?", and what staff see of them.
    It may import pages and lmi_site's groundwork; no other app imports it."""

    name = "feedback"
    verbose_name = "Patient feedback"
    default_auto_field = "django.db.models.BigAutoField"
