"""A patient's request for a consultation, the pages that take and explain it, and the clinic's contact settings."""

from http import HTTPMethod

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.url_routing import RouteResult

from pages.models import BasePage

from .roles import COORDINATORS

# Paragraphs, headings and lists: a privacy notice needs more than a guide's paragraphs do.
PRIVACY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]

# Promises no time: how soon the clinic answers is the clinic's to say, in the settings.
DEFAULT_CONFIRMATION = (
    "Thank you. Your request has reached the clinic's patient coordinators. "
    "One of them will contact you in the way you asked."
)


class ConsultationRequest(models.Model):
    """What a patient sent, and what the coordinators have done about it.

    Its name in lists, logs and email is its number only: the audit log and the coordinator's
    email outlive an erased request and must hold none of the patient's details.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        BOOKED = "booked", "Booked"
        CLOSED = "closed", "Closed"

    class ContactMethod(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    # One per form shown: pressing Send twice, or reloading, finds the first and stores nothing new.
    submission_token = models.UUIDField(unique=True, editable=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    full_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=100)
    contact_method = models.CharField(
        "preferred contact", max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    preferred_language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    treatment = models.CharField(
        "treatment of interest", max_length=200, help_text="As the patient chose it when they sent the request."
    )
    message = models.TextField(max_length=1000, blank=True)
    sent_from = models.ForeignKey(
        "pages.GuidePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="sent from the guide",
        help_text="The guide whose invitation the patient followed to the form; empty if they came another way.",
    )
    consented_at = models.DateTimeField(help_text="When the patient agreed to the privacy notice.")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="assigned coordinator",
        limit_choices_to=models.Q(groups__name=COORDINATORS) | models.Q(is_superuser=True),
    )
    internal_notes = models.TextField(
        blank=True, max_length=5000, help_text="Only coordinators see these. Never write medical details here."
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "consultation request"
        permissions = [("erase_consultationrequest", "Can erase every request from one email address")]

    def __str__(self):
        return f"Consultation request #{self.pk}" if self.pk else "New consultation request"

    def save(self, *args, **kwargs):
        # The retention period of a closed request runs from when it was closed.
        if self.status == self.Status.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != self.Status.CLOSED:
            self.closed_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "closed_at"}
        super().save(*args, **kwargs)


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


class ConsultationRequestPage(BasePage):
    """The form a patient fills in to ask for a consultation (serving: consultations/views.py).

    Never stored by the page cache or a proxy: it carries a CSRF token and a per-form token, and
    reads ?treatment= to preselect what the patient was reading about.
    """

    introduction = RichTextField(features=["bold", "italic", "link"], blank=True, help_text="Shown above the form.")

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1
    reads_query_string = True
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS, HTTPMethod.POST]
    template = "consultations/consultation_request_page.html"

    class Meta:
        verbose_name = "consultation request page"

    def route(self, request, path_components):
        # /consultation/sent/ is the confirmation a patient is sent to after pressing Send.
        if path_components == ["sent"] and self.live:
            return RouteResult(self, kwargs={"sent": True})
        return super().route(request, path_components)

    def serve(self, request, *args, sent=False, **kwargs):
        from .views import serve_consultation_page

        return serve_consultation_page(self, request, sent=sent)


class PrivacyNoticePage(BasePage):
    """What the site does with patients' details; the clinic replaces the seeded text with its legal notice."""

    body = RichTextField(features=PRIVACY_FEATURES)

    content_panels = BasePage.content_panels + [FieldPanel("body")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1
    template = "consultations/privacy_notice_page.html"

    class Meta:
        verbose_name = "privacy notice page"
