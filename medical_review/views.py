"""Admin views for medical review: the "Mark as reviewed" confirmation and the review report."""

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from medical_review.reminders import can_send_reminders
from medical_review.review import (
    SEES_REVIEW_DATES,
    ReviewRefused,
    can_mark_reviewed,
    changes_since_last_review,
    check_mark_reviewed,
    guides_with_review_dates,
    human_date,
    last_review_time,
    mark_reviewed,
    other_persons_draft,
    sources_to_check,
)
from pages.models import GuidePage, Person
from pages.models.guide import REVIEW_STATUSES

# The Wagtail hook other apps answer to show something on the "Mark as reviewed" screen:
# answer(request, guide, since) gives admin components; since is the last review's moment or None.
REVIEW_PANELS_HOOK = "mark_reviewed_panels"


class MarkReviewedForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note (optional)",
        help_text="Recorded in the guide's history with your name and today's date.",
    )


def mark_reviewed_view(request, page_id):
    guide = get_object_or_404(Page, id=page_id).specific
    if not can_mark_reviewed(request.user, guide):
        # A real 403, not Wagtail's redirect to the dashboard, so a refusal is unmistakable.
        context = {"page": guide, "refusal": "You do not have permission to mark guides as medically reviewed."}
        return TemplateResponse(request, "medical_review/mark_reviewed.html", context, status=403)
    try:
        check_mark_reviewed(guide, request.user)
        refusal = ""
    except ReviewRefused as error:
        refusal = str(error)
    pending = other_persons_draft(guide)
    form = MarkReviewedForm(request.POST or None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            result = mark_reviewed(guide, request.user, form.cleaned_data["note"])
        except ReviewRefused as error:  # the guide changed since the page was shown
            refusal = str(error)
        else:
            message = f"“{guide.title}” is marked as medically reviewed today and published."
            if result.draft_kept_by:
                message += (
                    f" The unpublished changes by {result.draft_kept_by} were not published; they are still a draft."
                )
            messages.success(request, message)
            return redirect("wagtailadmin_pages:edit", guide.id)
    context = {
        "page": guide,
        "form": form,
        "refusal": refusal,
        "pending": pending,
        "pending_by_someone_else": pending is not None and pending.user_id != request.user.pk,
        "last_reviewed": human_date(guide.last_reviewed),
        "reviewed_since": last_review_time(guide),
    }
    context["source_count"], context["sources_unchecked"] = sources_to_check(guide)
    if not refusal:
        context["changes"] = changes_since_last_review(guide, request)
        # What other apps show beside the feedback since the last review (the guide's reading
        # figures, impact/wagtail_hooks.py): each answer is a list of admin components.
        context["review_panels"] = [
            panel
            for answer in hooks.get_hooks(REVIEW_PANELS_HOOK)
            for panel in answer(request, guide, context["reviewed_since"])
        ]
    status = 409 if (refusal and request.method == "POST") else 200
    return TemplateResponse(request, "medical_review/mark_reviewed.html", context, status=status)


# --- the report ------------------------------------------------------------------------------


class ReviewReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=list(REVIEW_STATUSES.items()), method="filter_status")
    reviewed_by = django_filters.ModelChoiceFilter(label="Medical reviewer", queryset=Person.objects.all())

    class Meta:
        model = GuidePage
        fields = ["reviewed_by", "status", "live"]

    def filter_status(self, queryset, name, value):
        # The status is derived from dates and intervals, so it is worked out, not queried.
        return queryset.filter(pk__in=[g.pk for g in guides_with_review_dates(queryset) if g.status_code == value])


class DateColumn(Column):
    def get_value(self, instance):
        return human_date(super().get_value(instance))


class GuideReviewReportView(ReportView):
    page_title = "Medical review dates"
    header_icon = "date"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    index_url_name = "guide_review_report"
    index_results_url_name = "guide_review_report_results"
    filterset_class = ReviewReportFilterSet
    permission_policy = PagePermissionPolicy()
    any_permission_required = SEES_REVIEW_DATES
    paginate_by = 100
    columns = [
        TitleColumn("title", label="Guide", url_name="wagtailadmin_pages:edit"),
        Column("language", label="Language"),
        DateColumn("last_reviewed", label="Last reviewed"),
        DateColumn("next_due", label="Next review due"),
        Column("reviewer_name", label="Medical reviewer"),
        Column("status_label", label="Status"),
        Column("published", label="Published"),
    ]
    list_export = ["title", "language", "last_reviewed", "next_due", "reviewer_name", "status_label", "published"]
    export_headings = {
        "title": "Guide",
        "language": "Language",
        "last_reviewed": "Last reviewed",
        "next_due": "Next review due",
        "reviewer_name": "Medical reviewer",
        "status_label": "Status",
        "published": "Published",
    }

    @property
    def header_buttons(self):
        if not can_send_reminders(self.request.user):
            return []
        return [HeaderButton("Send review reminders", url=reverse("send_review_reminders"), icon_name="mail")]

    def get_filename(self):
        # Named for what it holds and when, not Wagtail's generic "spreadsheet-export".
        return f"medical-review-dates-{timezone.localdate().isoformat()}"

    def get_queryset(self):
        self.queryset = GuidePage.objects.all()
        return super().get_queryset()

    def get_filtered_queryset(self):
        # get_queryset() applies the filters; the derived dates and the order are added here.
        return guides_with_review_dates(self.get_queryset())

    def get_index_url(self):
        return reverse(self.index_url_name)
