"""What staff see of patients' feedback: counts and share by month per guide, and the comments."""

import csv

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from feedback.models import GuideFeedback
from lmi_site.clock import in_time_zone, to_the_minute

VIEW_PERMISSION = "feedback.view_guidefeedback"
COMMENTS_SHOWN = 200
# A spreadsheet runs a cell starting with one of these as a formula; patients' words must stay words.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def can_see_feedback(user):
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def share(yes, total):
    return f"{round(100 * yes / total)}%" if total else ""


def monthly_counts(queryset):
    """One row per guide and month, newest month first: yes, no, total and the share that said yes."""
    rows = (
        queryset.annotate(month=TruncMonth("received_at"))
        .values("guide_id", "guide__title", "month")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
        .order_by("guide__title", "guide_id", "-month")
    )
    return [
        {**row, "total": row["yes"] + row["no"], "share": share(row["yes"], row["yes"] + row["no"])} for row in rows
    ]


def summary(queryset):
    """Yes, no and share over the whole queryset, e.g. for the feedback since the last review."""
    counts = queryset.aggregate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
    total = counts["yes"] + counts["no"]
    return {**counts, "total": total, "share": share(counts["yes"], total)}


def feedback_report(request):
    # A view of our own rather than Wagtail's ReportView, which lists one row per object: this
    # report is monthly totals per guide with the comments below them.
    if not can_see_feedback(request.user):
        raise PermissionDenied
    queryset = GuideFeedback.objects.select_related("guide")
    comments = queryset.exclude(comment="")
    context = {
        "months": monthly_counts(queryset),
        "comments": comments[:COMMENTS_SHOWN],
        "comments_total": comments.count(),
        "comments_shown": COMMENTS_SHOWN,
    }
    return TemplateResponse(request, "feedback/report.html", context)


def csv_cell(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def feedback_csv(request):
    """Every answer, oldest first, for a spreadsheet."""
    if not can_see_feedback(request.user):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"patient-feedback-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["Guide", str(in_time_zone("Received")), "Helpful", "What could be better"])
    for item in GuideFeedback.objects.select_related("guide").order_by("received_at", "pk"):
        writer.writerow(
            [
                csv_cell(item.guide.title),
                to_the_minute(item.received_at),
                "Yes" if item.helpful else "No",
                csv_cell(item.comment),
            ]
        )
    return response
