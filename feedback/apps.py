from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Patients' answers to "Was this guide helpful?", and what staff see of them."""

    name = "feedback"
    verbose_name = "Patient feedback"
    default_auto_field = "django.db.models.BigAutoField"
