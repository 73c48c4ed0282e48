from django.apps import AppConfig


class PagesConfig(AppConfig):
    """What a guide is and how it is drawn: page models, blocks, people, settings, seeding, rich text, images, plain language.
    It may import lmi_site's groundwork only; the apps built on it attach through Wagtail hooks and signals."""

    name = "pages"
    verbose_name = "Patient guides"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages import images

        images.register()
