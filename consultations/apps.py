from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultation requests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from pages.cache import content_changed

        from . import checks  # noqa: F401  (registers the privacy notice's deployment check)
        from .models import ClinicContactSettings

        # The clinic's contact details are in every page's footer: a change must reach every page at once.
        for signal in (post_save, post_delete):
            signal.connect(content_changed, sender=ClinicContactSettings, dispatch_uid=f"pagecache-{signal}-contact")
