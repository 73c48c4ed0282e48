from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """How pages reach readers fast: page cache and invalidation, compression, routing shortcuts, kept fragments, purges, /healthz.
    It may import the content apps and lmi_site's groundwork, to observe them (signals, Wagtail hooks); none imports it."""

    name = "delivery"
    verbose_name = "Page delivery"

    def ready(self):
        from delivery import cache, fragments

        cache.connect_signals()
        fragments.connect_signals()
