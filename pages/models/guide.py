import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from pages.blocks import PARAGRAPH_FEATURES, GuideBodyBlock, SourcesBlock, plain_block_errors, section_anchor
from pages.dates import add_months
from pages.plain_language import PlainLanguagePanel
from pages.rich_text import plain_text

from .base import BasePage, BasePageForm
from .settings import ClinicSettings

WORDS_PER_MINUTE = 200
# The Wagtail hook through which the delivery app keeps a guide's parts (delivery/fragments.py).
KEEP_PARTS_HOOK = "keep_guide_parts"


@dataclass(frozen=True)
class GuideParts:
    """What a guide page works out from its content alone: most of what drawing the page costs."""

    body_html: SafeString
    sections: list  # (heading, anchor) of each section
    reading_time_minutes: int
    faq: list  # (question, answer as plain text)


def person_data(person):
    return {"@type": "Person", "name": person.name, "honorificSuffix": person.credentials, "jobTitle": person.role}


def source_data(source):
    """A source as schema.org's CreativeWork, with only the fields the editor filled in."""
    data = {"@type": "CreativeWork", "name": source["title"]}
    if source.get("publisher"):
        data["publisher"] = {"@type": "Organization", "name": source["publisher"]}
    if source.get("year"):
        data["datePublished"] = str(source["year"])
    if source.get("link"):
        data["url"] = source["link"]
    return data


# A source not confirmed for longer than this is pointed out to the reviewer.
SOURCE_CHECK_DAYS = 365
DUE_SOON_DAYS = 30
# A guide's review status: its code (for filters and styling) and the words staff see.
REVIEW_STATUSES = {
    "overdue": "Overdue",
    "due-soon": f"Due within {DUE_SOON_DAYS} days",
    "up-to-date": "Up to date",
    "not-reviewed": "Not reviewed yet",
    # Patients cannot see it, so no review is due; it is reviewed on its way to publication.
    "not-published": "Not published",
}
# Who may set "reviewed by" and "last reviewed": the stamp is the clinic's proof of review.
MARK_REVIEWED_PERMISSION = "pages.mark_guide_reviewed"
REVIEW_INTERVAL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(60)]

# What publishing needs, in the words the error uses.
REQUIRED_FOR_PUBLISHING = {
    "author": "an author",
    "reviewed_by": "a medical reviewer",
    "last_reviewed": "a last-reviewed date",
}


NOT_REVIEWED_YET = (
    "This guide has not been medically reviewed yet, so it cannot be published. Choose “Submit to Medical "
    "review” from the menu beside Save draft: a medical reviewer checks it, and it then comes back to a "
    "moderator to publish."
)


class GuidePageForm(BasePageForm):
    """Drafts may be incomplete; pressing Publish names each thing the guide still lacks.

    A guide sent for review, or already in review, must keep its author: the reviewers add the
    review stamp, but nobody later in the workflow could publish a guide whose author was removed.
    """

    def clean(self):
        cleaned_data = super().clean()
        in_review = self.data.get("action-submit") or (self.instance.pk and self.instance.workflow_in_progress)
        if in_review and "author" in self.fields and "author" not in self.errors and not cleaned_data.get("author"):
            self.add_error("author", "A guide needs an author while it is reviewed for publishing.")
        if self.data.get("action-publish"):
            not_reviewed = False
            for field, words in REQUIRED_FOR_PUBLISHING.items():
                if field in self.errors:
                    continue
                in_form = field in self.fields
                value = cleaned_data.get(field) if in_form else getattr(self.instance, field)
                if value is None and in_form:
                    self.add_error(field, f"A guide needs {words} before it can be published.")
                elif value is None:
                    not_reviewed = True
            if not_reviewed:
                # Only medical reviewers fill these in, so say how to reach them, not which field.
                self.add_error(None, NOT_REVIEWED_YET)
        self.describe_block_errors()
        return cleaned_data

    def describe_block_errors(self):
        """Each wrong block named in the message at the top, in place of Wagtail's "Validation error in
        StreamBlock"; the error itself stays, so the editor still marks the block."""
        for name in ("body", "sources"):
            for error in self.errors.as_data().get(name, []):
                if not hasattr(error, "block_errors"):
                    continue
                field = self.fields[name]
                value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
                lines = plain_block_errors(field.block, error, value)
                if lines:
                    error.message = " ".join(lines)


class MedicalReviewMixin(models.Model):
    """Who wrote a page, who checked it medically, when, and when it is due again."""

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
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=REVIEW_INTERVAL_VALIDATORS,
        verbose_name="review interval (months)",
        help_text="Leave blank to use the clinic's default, set in Settings → Clinic settings.",
    )

    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("author"),
                FieldPanel("reviewed_by", permission=MARK_REVIEWED_PERMISSION),
                FieldPanel("last_reviewed", permission=MARK_REVIEWED_PERMISSION),
                FieldPanel("review_interval_months", permission=MARK_REVIEWED_PERMISSION),
            ],
            heading="Authorship and medical review",
        )
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.last_reviewed and self.last_reviewed > timezone.localdate():
            raise ValidationError({"last_reviewed": "The last-reviewed date cannot be in the future."})

    def missing_for_publishing(self):
        """{field: message} for each thing a guide must have before patients can see it."""
        return {
            field: f"A guide needs {words} before it can be published."
            for field, words in REQUIRED_FOR_PUBLISHING.items()
            # attname: the stored id of a person, so checking costs no query
            if getattr(self, self._meta.get_field(field).attname) is None
        }

    def publish(self, revision, *args, **kwargs):
        # Every way of publishing (editor, workflow, schedule, script) passes here.
        missing = revision.as_object().missing_for_publishing()
        if missing:
            raise ValidationError(missing)
        return super().publish(revision, *args, **kwargs)

    def effective_review_interval(self, default_months=None):
        """Months between reviews: this guide's own, else the clinic's default."""
        if self.review_interval_months:
            return self.review_interval_months
        if default_months is None:
            default_months = ClinicSettings.load().review_interval_months
        return default_months

    def next_review_due(self, default_months=None):
        """Derived from the last review and the interval; never stored, so it cannot go stale."""
        if self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, self.effective_review_interval(default_months))

    def review_status(self, today=None, default_months=None):
        """(code, label): overdue, due within 30 days, up to date, never reviewed, or not published."""
        due = self.next_review_due(default_months)
        today = today or timezone.localdate()
        if not self.live:
            code = "not-published"
        elif due is None:
            code = "not-reviewed"
        elif due < today:
            code = "overdue"
        elif due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
            code = "due-soon"
        else:
            code = "up-to-date"
        return code, REVIEW_STATUSES[code]


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

    def route(self, request, path_components):
        # Its children are guides: find one with its author and reviewer in a single query,
        # where Wagtail's generic routing takes one query for the page, one for its specific
        # type and one for each person (see tests/test_query_budget.py).
        if len(path_components) != 1:
            return super().route(request, path_components)
        guide = (
            GuidePage.objects.child_of(self)
            .select_related("author", "reviewed_by")
            .filter(slug=path_components[0])
            .first()
        )
        if guide is None:
            raise Http404
        guide._cached_parent_obj = self  # as Wagtail's routing does, for get_parent()
        return guide.route(request, [])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.child_of(self).live().public().order_by("path")
        return context


class GuidePage(RoutablePageMixin, MedicalReviewMixin, BasePage):
    introduction = RichTextField(features=PARAGRAPH_FEATURES)
    body = StreamField(GuideBodyBlock(), help_text="The guide's sections, in reading order.")
    therapy_name = models.CharField(
        max_length=200,
        help_text="The treatment this guide is about, e.g. “NK cell therapy”; tells search engines its subject.",
    )
    sources = StreamField(
        SourcesBlock(),
        blank=True,
        help_text="The evidence this guide is based on, shown as a numbered list at its end. Leave empty if it cites none.",
    )

    parent_page_types = ["pages.GuideIndexPage"]
    subpage_types = []
    template = "pages/guide_page.html"
    base_form_class = GuidePageForm

    content_panels = (
        BasePage.content_panels
        + [
            FieldPanel("therapy_name"),
            FieldPanel("introduction"),
            FieldPanel("body"),
            FieldPanel("sources"),
            PlainLanguagePanel(heading="Plain language"),
        ]
        + MedicalReviewMixin.review_panels
    )
    search_fields = BasePage.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    class Meta:
        permissions = [("mark_guide_reviewed", "Can mark a guide as medically reviewed")]

    @path("feedback-sent/")
    def feedback_sent(self, request):
        """The guide with the thank-you where the feedback form was (feedback/views.py sends
        patients here). A path of its own, not a query string: the page cache stores pages by
        path alone, and this version is the same for every reader, so it may be cached too."""
        return self.render(request, context_overrides={"feedback_sent": True})

    def sections(self):
        """(heading, anchor) of each section, for the contents list; derived, never stored."""
        return [(block.value["heading"], section_anchor(block.value)) for block in self.body]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Loaded once per request; the template's settings.pages.ClinicSettings reuses it.
        clinic = ClinicSettings.load(request_or_site=request)
        context["next_review_due"] = due = self.next_review_due(clinic.review_interval_months)
        # Patients are told while the review is late; the page cache keeps pages by the clinic's
        # date (delivery/cache.py), so the notice appears the morning it becomes true.
        context["review_overdue"] = due is not None and due < timezone.localdate()
        # The body and what is worked out from it, kept by published revision (delivery/fragments.py).
        context["guide_parts"] = parts = self.drawn_parts(request)
        context["structured_data"] = self.structured_data(request, clinic, context["breadcrumbs"], parts.faq)
        return context

    def drawn_parts(self, request):
        """The guide's parts, as a keeper (the "keep_guide_parts" hook) has them, or worked out now."""
        for keep in hooks.get_hooks(KEEP_PARTS_HOOK):
            return keep(self, request)
        return self.work_out_parts()

    def work_out_parts(self):
        return GuideParts(
            body_html=mark_safe("".join(block.render_as_block() for block in self.body)),
            sections=self.sections(),
            reading_time_minutes=self.reading_time_minutes(),
            faq=self.faq_answers(),
        )

    def faq_items(self):
        """Every question and answer in the guide, wherever an editor placed them."""
        items = []
        for section in self.body:
            contents = [section.value["content"]] + [sub["content"] for sub in section.value["subsections"]]
            items += [block.value for content in contents for block in content if block.block_type == "faq_item"]
        return items

    def faq_answers(self):
        """(question, answer as plain text) of every FAQ item, as the JSON-LD gives them."""
        return [(item["question"], plain_text(item["answer"])) for item in self.faq_items()]

    def reading_time_minutes(self):
        """Estimated at 200 words a minute, a common rate for readers of health information."""
        words = len(plain_text(self.introduction).split())
        words += sum(len(str(text).split()) for text in self.body.stream_block.get_searchable_content(self.body))
        return max(1, round(words / WORDS_PER_MINUTE))

    def structured_data(self, request, clinic, breadcrumbs, faq):
        """schema.org JSON-LD built from the same fields the page shows, so they cannot disagree."""
        url = self.canonical_url(request)
        home_url = request.build_absolute_uri("/")
        page = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": self.title,
            "description": self.summary,
            "url": url,
            "inLanguage": "en-US",
            "datePublished": self.first_published_at.isoformat() if self.first_published_at else None,
            "dateModified": self.last_published_at.isoformat() if self.last_published_at else None,
            "about": {"@type": "MedicalTherapy", "name": self.therapy_name},
            "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
            "publisher": {"@type": "MedicalOrganization", "name": clinic.clinic_name, "url": home_url},
        }
        # A draft in preview may not have been credited or reviewed yet (published guides always are).
        if self.last_reviewed:
            page["lastReviewed"] = self.last_reviewed.isoformat()
        if self.reviewed_by_id:
            page["reviewedBy"] = person_data(self.reviewed_by)
        if self.author_id:
            page["author"] = person_data(self.author)
        if self.sources:
            page["citation"] = [source_data(block.value) for block in self.sources]
        faq = {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "url": url,
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": question,
                    "acceptedAnswer": {"@type": "Answer", "text": answer},
                }
                for question, answer in faq
            ],
        }
        trail = breadcrumbs + [(self.title, url)]
        breadcrumb_list = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": title, "item": request.build_absolute_uri(href)}
                for position, (title, href) in enumerate(trail, start=1)
            ],
        }
        return [page, faq, breadcrumb_list] if faq["mainEntity"] else [page, breadcrumb_list]
