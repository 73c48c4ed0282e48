from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from pages.blocks import PARAGRAPH_FEATURES, GuideBodyBlock, section_anchor

from .base import BasePage
from .people import Person


class MedicalReviewMixin(models.Model):
    """Who wrote a page, who checked it medically, and when."""

    author = models.ForeignKey("pages.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        "pages.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="medical reviewer",
    )
    last_reviewed = models.DateField(null=True, blank=True)

    review_panels = [
        MultiFieldPanel(
            [FieldPanel("author"), FieldPanel("reviewed_by"), FieldPanel("last_reviewed")],
            heading="Authorship and medical review",
        )
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        for field, attname in (
            ("author", "author_id"),
            ("reviewed_by", "reviewed_by_id"),
            ("last_reviewed", "last_reviewed"),
        ):
            if getattr(self, attname) is None:
                errors[field] = "A guide needs this before it can be saved or published."
        if self.last_reviewed and self.last_reviewed > timezone.localdate():
            errors["last_reviewed"] = "The last-reviewed date cannot be in the future."
        if errors:
            raise ValidationError(errors)


class HomePage(BasePage):
    max_count = 1
    subpage_types = ["pages.GuideIndexPage"]
    template = "pages/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.live().public().order_by("path")
        return context


class GuideIndexPage(BasePage):
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.GuidePage"]
    template = "pages/guide_index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.child_of(self).live().public().order_by("path")
        return context


class GuidePage(MedicalReviewMixin, BasePage):
    introduction = RichTextField(features=PARAGRAPH_FEATURES)
    body = StreamField(GuideBodyBlock(), help_text="The guide's sections, in reading order.")

    parent_page_types = ["pages.GuideIndexPage"]
    subpage_types = []
    template = "pages/guide_page.html"

    content_panels = (
        BasePage.content_panels + [FieldPanel("introduction"), FieldPanel("body")] + MedicalReviewMixin.review_panels
    )
    search_fields = BasePage.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    def get_context(self, request, *args, **kwargs):
        # Author and reviewer in one query rather than one each (see tests/test_query_budget.py).
        people = Person.objects.in_bulk({self.author_id, self.reviewed_by_id} - {None})
        if self.author_id in people:
            self.author = people[self.author_id]
        if self.reviewed_by_id in people:
            self.reviewed_by = people[self.reviewed_by_id]
        return super().get_context(request, *args, **kwargs)

    def sections(self):
        """(heading, anchor) of each section, for the contents list; derived, never stored."""
        return [(block.value["heading"], section_anchor(block.value)) for block in self.body]
