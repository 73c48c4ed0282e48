from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Patient guides"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages import fragments
        from pages.cache import connect_signals

        connect_signals()
        fragments.connect_signals()
        from pages import images

        images.register()
