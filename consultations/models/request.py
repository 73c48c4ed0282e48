"""A patient's request for a consultation: what they sent, and what the coordinators have done about it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from consultations.roles import COORDINATORS


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
