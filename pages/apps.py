from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Patient guides"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages import images

        images.register()
