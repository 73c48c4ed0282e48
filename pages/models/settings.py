from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField

from pages.blocks import PARAGRAPH_FEATURES


@register_setting(icon="site")
class ClinicSettings(BaseGenericSetting):
    """Words shown on every guide, edited once here."""

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
    ]

    class Meta:
        verbose_name = "clinic settings"
