import html
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from pages.blocks import PARAGRAPH_FEATURES, GuideBodyBlock, section_anchor

from .base import BasePage
from .settings import ClinicSettings

WORDS_PER_MINUTE = 200


def plain_text(rich_text):
    """Rich text as the words a reader sees, one space between paragraphs."""
    return " ".join(html.unescape(strip_tags(str(rich_text).replace("</p>", "</p> "))).split())


def person_data(person):
    return {"@type": "Person", "name": person.name, "honorificSuffix": person.credentials, "jobTitle": person.role}


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
    therapy_name = models.CharField(
        max_length=200,
        help_text="The treatment this guide is about, e.g. “NK cell therapy”; tells search engines its subject.",
    )

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

    def sections(self):
        """(heading, anchor) of each section, for the contents list; derived, never stored."""
        return [(block.value["heading"], section_anchor(block.value)) for block in self.body]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["structured_data"] = self.structured_data(request, ClinicSettings.load(request_or_site=request))
        return context

    def faq_items(self):
        """Every question and answer in the guide, wherever an editor placed them."""
        items = []
        for section in self.body:
            contents = [section.value["content"]] + [sub["content"] for sub in section.value["subsections"]]
            items += [block.value for content in contents for block in content if block.block_type == "faq_item"]
        return items

    def search_excerpt(self, words):
        """The sentence holding most of the searched-for words, to show why the guide matched."""
        lowered = [word.lower() for word in words if len(word) > 1]
        best, best_score = "", 0
        for text in self.body.stream_block.get_searchable_content(self.body):
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(str(text).split())):
                score = sum(word in sentence.lower() for word in lowered)
                if score > best_score:
                    best, best_score = sentence, score
        return best

    def reading_time_minutes(self):
        """Estimated at 200 words a minute, a common rate for readers of health information."""
        words = len(plain_text(self.introduction).split())
        words += sum(len(str(text).split()) for text in self.body.stream_block.get_searchable_content(self.body))
        return max(1, round(words / WORDS_PER_MINUTE))

    def structured_data(self, request, clinic):
        """schema.org JSON-LD built from the same fields the page shows, so they cannot disagree."""
        url = self.canonical_url(request)
        home_url = request.build_absolute_uri("/")
        page = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": self.title,
            "description": self.summary,
            "url": url,
            "inLanguage": "en-GB",
            "datePublished": self.first_published_at.isoformat() if self.first_published_at else None,
            "dateModified": self.last_published_at.isoformat() if self.last_published_at else None,
            "lastReviewed": self.last_reviewed.isoformat(),
            "reviewedBy": person_data(self.reviewed_by),
            "author": person_data(self.author),
            "about": {"@type": "MedicalTherapy", "name": self.therapy_name},
            "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
            "publisher": {"@type": "MedicalOrganization", "name": clinic.clinic_name, "url": home_url},
        }
        faq = {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "url": url,
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": item["question"],
                    "acceptedAnswer": {"@type": "Answer", "text": plain_text(item["answer"])},
                }
                for item in self.faq_items()
            ],
        }
        trail = self.breadcrumbs() + [self]
        breadcrumbs = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": crumb.breadcrumb_title,
                    "item": crumb.canonical_url(request),
                }
                for position, crumb in enumerate(trail, start=1)
            ],
        }
        return [page, faq, breadcrumbs] if faq["mainEntity"] else [page, breadcrumbs]
