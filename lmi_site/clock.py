"""The clinic's clock: times shown, entered and exported in the reader's time zone, and named.

The site's default is the clinic's own (settings.TIME_ZONE, America/Mazatlan); each member of
staff may choose another in Wagtail's account settings, which the admin then uses for them.
"""

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy

# Evaluated when drawn, so each person sees the zone the admin is using for them.
current_time_zone_name = lazy(timezone.get_current_timezone_name, str)


def in_time_zone(label):
    """'Received' -> 'Received (America/Mazatlan)', naming the zone in use when it is drawn."""
    return format_lazy("{} ({})", label, current_time_zone_name())


def to_the_minute(value, zone=None):
    """A time for a person or a spreadsheet: local (or in zone), to the minute ('2026-12-06 14:05')."""
    return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")
