"""How medical review attaches to the admin: "Mark as reviewed", its log entries, the report, the dashboard panel."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from lmi_site.admin_menu import MenuItemFor
from medical_review.reminders import send_review_reminders_view
from medical_review.review import (
    REVIEW_LOG_ACTION,
    ReviewRefused,
    can_see_review_dates,
    check_mark_reviewed,
    guides_due,
    guides_with_review_dates,
    human_date,
)
from medical_review.translation_views import submit_translation_buttons, submit_translation_view
from medical_review.translations import english_changes_url, translation_publish_refusal
from medical_review.views import GuideReviewReportView, mark_reviewed_view
from medical_review.workflow_views import GuidePageViewSet
from pages.models.guide import TRANSLATION_PUBLISH_HOOK


@hooks.register("register_admin_viewset")
def register_guide_page_viewset():
    return GuidePageViewSet("guide_pages")


# --- "Mark as reviewed" ----------------------------------------------------------------------


class MarkReviewedMenuItem(ActionMenuItem):
    label = "Mark as reviewed"
    name = "action-mark-reviewed"
    icon_name = "success"
    order = 25

    def is_shown(self, context):
        # Offered only when it will work: not for a guide that was never published or is in the
        # workflow (its approval stamps instead), nor for a reviewer with no People record.
        # Shown even while another editor holds the page: the stamp never touches their draft.
        if context["view"] != "edit":
            return False
        try:
            check_mark_reviewed(context["page"], context["request"].user)
        except (PermissionDenied, ReviewRefused):
            return False
        return True

    def get_url(self, context):
        return reverse("mark_guide_reviewed", args=[context["page"].id])


@hooks.register("register_page_action_menu_item")
def register_mark_reviewed_menu_item():
    return MarkReviewedMenuItem()


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("guides/<int:page_id>/mark-reviewed/", mark_reviewed_view, name="mark_guide_reviewed"),
        path("reports/medical-review/", GuideReviewReportView.as_view(), name="guide_review_report"),
        path(
            "reports/medical-review/results/",
            GuideReviewReportView.as_view(results_only=True),
            name="guide_review_report_results",
        ),
        path("reports/medical-review/reminders/", send_review_reminders_view, name="send_review_reminders"),
        path("guides/<int:page_id>/submit-translation/", submit_translation_view, name="submit_translation_for_review"),
    ]


@hooks.register("register_log_actions")
def register_review_log_action(actions):
    @actions.register_action(REVIEW_LOG_ACTION)
    class MarkReviewedFormatter(LogFormatter):
        label = "Mark as reviewed"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            reviewer = data.get("reviewer", {}).get("name", "")
            day = data.get("reviewed_on", "")
            if day:
                day = human_date(datetime.date.fromisoformat(day))
            message = f"Marked as medically reviewed by {reviewer} on {day}"
            if data.get("draft_kept_by"):
                message += f"; unpublished changes by {data['draft_kept_by']} kept as a draft"
            message += "."
            if log_entry.revision_id:
                # Which version the reviewer vouched for, so later reviews can compare against it.
                message += f" Reviewed version: revision {log_entry.revision_id}."
            return message

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("note", "")


# --- what is due -----------------------------------------------------------------------------


class ReviewsDuePanel(Component):
    name = "guide_reviews_due"
    order = 90
    template_name = "medical_review/reviews_due_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["guides"] = guides_due()
        # Translations whose English guide changed since: each with what changed in English.
        behind = [guide for guide in guides_with_review_dates() if guide.english_changed_at is not None]
        for guide in behind:
            guide.english_changes_url = english_changes_url(guide)
            guide.english_changed_on = timezone.localdate(guide.english_changed_at)
        context["behind"] = behind
        return context


@hooks.register("before_edit_page")
def warn_translation_behind(request, page):
    """Opening a translation whose English guide changed since says so, with what changed."""
    guide = page.specific_deferred
    if request.method != "GET" or getattr(guide, "english_changed_at", None) is None:
        return
    changed = human_date(timezone.localdate(guide.english_changed_at))
    url = english_changes_url(guide)
    link = format_html(' <a href="{}">See what changed in English</a>.', url) if url else ""
    messages.warning(
        request,
        format_html(
            "This translation is behind its English guide, which changed on {}. Sync it from the English "
            "guide (“Sync translated pages” on the English guide), translate the changes and submit it to "
            "Medical review again.{}",
            changed,
            link,
        ),
    )


@hooks.register("construct_homepage_panels")
def add_reviews_due_panel(request, panels):
    if can_see_review_dates(request.user):
        panels.append(ReviewsDuePanel(request))


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return MenuItemFor(
        "Medical review dates", reverse("guide_review_report"), can_see_review_dates, icon_name="date", order=50
    )


# A translated guide goes live only as a Medical reviewer approved it, whole (translations.py).
hooks.register(TRANSLATION_PUBLISH_HOOK, translation_publish_refusal)
hooks.register("register_page_header_buttons", submit_translation_buttons)
hooks.register("register_page_listing_more_buttons", submit_translation_buttons)
