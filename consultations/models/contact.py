"""The clinic's contact details and how it handles consultation requests (Settings in the admin)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

# Promises no time: how soon the clinic answers is the clinic's to say, in the settings.
# Spanish readers get it in Spanish (locale/es) while the clinic keeps this wording.
DEFAULT_CONFIRMATION = (
    "Thank you. Your request has reached the clinic's patient coordinators. "
    "One of them will contact you in the way you asked."
)


@register_setting(icon="mail")
class ClinicContactSettings(BaseSiteSetting):
    """How patients reach the clinic, and how the clinic handles their consultation requests.

    Every contact detail is optional and shown only when set: the clinic enters its own.
    """

    legal_name = models.CharField(
        "clinic's legal name",
        blank=True,
        max_length=200,
        help_text="The person or company responsible for patients' details, as registered. Mexico's data "
        "protection law (LFPDPPP) requires the privacy notice to name it, with the address below.",
    )
    address = models.TextField(
        blank=True,
        max_length=500,
        help_text="Shown in the footer of every page and, as the address of the clinic responsible for "
        "patients' details, in the privacy notice.",
    )
    phone = models.CharField(
        blank=True, max_length=40, help_text="With the country code, e.g. +52 …; shown as a link that calls it."
    )
    email = models.EmailField("public email address", blank=True, help_text="Shown in the footer of every page.")
    opening_hours = models.TextField(blank=True, max_length=500, help_text="One line per day or group of days.")
    coordinator_email = models.EmailField(
        "coordinators' email address",
        blank=True,
        help_text="Told of each new request, with a link to it and none of the patient's details.",
    )
    confirmation_message = models.TextField(
        max_length=1000,
        default=DEFAULT_CONFIRMATION,
        help_text="Shown after a patient sends a request: what happens next, and when (say how soon the clinic replies).",
    )
    retention_months = models.PositiveSmallIntegerField(
        "keep closed requests for (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="A closed request is deleted this many months after it was closed.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("legal_name"),
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("opening_hours"),
            ],
            heading="Contact details shown to patients",
        ),
        MultiFieldPanel(
            [FieldPanel("coordinator_email"), FieldPanel("confirmation_message"), FieldPanel("retention_months")],
            heading="Consultation requests",
        ),
    ]

    class Meta:
        verbose_name = "clinic contact and consultation settings"


def contact_settings(site):
    """The clinic's contact settings for this site, read without creating them.

    Wagtail's for_site() saves a new row when there is none, and a save replaces the whole page
    cache (apps.py): a reader's page view must never do that.
    """
    found = ClinicContactSettings.objects.filter(site=site).first() if site else None
    return found or ClinicContactSettings(site=site)


def tel_number(phone):
    """A phone number as a tel: link wants it: digits and a leading +."""
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")
