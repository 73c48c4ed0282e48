from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class BasePage(Page):
    """What every public page has: a short summary for listings and search engines."""

    summary = models.TextField(
        max_length=400,
        help_text="One or two plain sentences shown in lists of pages and to search engines.",
    )

    content_panels = Page.content_panels + [FieldPanel("summary")]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    class Meta:
        abstract = True
