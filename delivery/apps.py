from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """How pages reach readers fast: the page cache and its invalidation, compression and validators,
    routing shortcuts, kept fragments, caching-proxy purges and /healthz.

    It may import every app below it (pages, consultations, lmi_site's groundwork) to observe them
    through signals and Wagtail hooks; no content app imports it.
    """

    name = "delivery"
    verbose_name = "Page delivery"

    def ready(self):
        from delivery import cache, fragments

        cache.connect_signals()
        fragments.connect_signals()
