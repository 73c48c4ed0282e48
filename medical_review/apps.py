from django.apps import AppConfig


class MedicalReviewConfig(AppConfig):
    """Medical review of guides: review rules and status, "Mark as reviewed", the workflow task, the report, reminders.
    It may import pages and lmi_site's groundwork; pages never imports it (it attaches through Wagtail hooks)."""

    name = "medical_review"
    verbose_name = "Medical review"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from medical_review.translations import connect_signals

        connect_signals()
