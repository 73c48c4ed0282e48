from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField

from lmi_site.keeping import until_content_changes
from pages.blocks import PARAGRAPH_FEATURES


@register_setting(icon="site")
class ClinicSettings(BaseGenericSetting):
    """Words shown on every guide, edited once here."""

    @classmethod
    def load(cls, request_or_site=None):
        # Every page reads these; kept until content changes (their own save is one), so a
        # page-cache miss costs no query for them. Wagtail keeps what load() finds on the request.
        attr_name = cls.get_cache_attr_name()
        if isinstance(request_or_site, HttpRequest) and not hasattr(request_or_site, attr_name):
            setattr(request_or_site, attr_name, until_content_changes("clinic-settings", cls._get_or_create))
        return super().load(request_or_site)

    clinic_name = models.CharField(max_length=200)
    consultation_invitation = models.TextField(
        help_text="Shown at the end of every guide, before the link.",
    )
    consultation_link_text = models.CharField(max_length=200)
    consultation_link_url = models.URLField(
        blank=True,
        help_text="Where the link goes. Leave blank to show the words without a link.",
    )
    mexico_heading = models.CharField(max_length=200)
    mexico_statement = RichTextField(features=PARAGRAPH_FEATURES)
    disclaimer = models.TextField()
    review_interval_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        verbose_name="review interval (months)",
        help_text="How often each guide is medically reviewed, unless the guide sets its own interval.",
    )
    plain_language_target_grade = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        verbose_name="plain-language target grade",
        help_text="The Flesch–Kincaid grade a guide's sections should not exceed; 8 is the usual advice for "
        "patient information. Editors see each section's grade; it never stops publishing.",
    )

    panels = [
        FieldPanel("clinic_name"),
        MultiFieldPanel(
            [
                FieldPanel("consultation_invitation"),
                FieldPanel("consultation_link_text"),
                FieldPanel("consultation_link_url"),
            ],
            heading="Consultation invitation",
        ),
        MultiFieldPanel([FieldPanel("mexico_heading"), FieldPanel("mexico_statement")], heading="Care in Mexico"),
        FieldPanel("disclaimer"),
        FieldPanel("review_interval_months"),
        FieldPanel("plain_language_target_grade"),
    ]

    class Meta:
        verbose_name = "clinic settings"
