import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from pages.admin_views import GuideReviewReportView, mark_reviewed_view
from pages.cache import mark_servable
from pages.models import Person
from pages.review import (
    REVIEW_LOG_ACTION,
    can_mark_reviewed,
    can_see_review_dates,
    display_name,
    guides_due,
    human_date,
)


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "credentials", "role"]
    search_fields = ["name"]


register_snippet(PersonViewSet)


# --- "Mark as reviewed" ----------------------------------------------------------------------


class MarkReviewedMenuItem(ActionMenuItem):
    label = "Mark as reviewed"
    name = "action-mark-reviewed"
    icon_name = "success"
    order = 25

    def is_shown(self, context):
        # Shown even while another editor holds the page: the stamp never touches their draft.
        return context["view"] == "edit" and can_mark_reviewed(context["request"].user, context["page"])

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
            return message + "."

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("note", "")


# --- what is due -----------------------------------------------------------------------------


class ReviewsDuePanel(Component):
    name = "guide_reviews_due"
    order = 90
    template_name = "pages/admin/reviews_due_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["guides"] = guides_due()
        return context


@hooks.register("construct_homepage_panels")
def add_reviews_due_panel(request, panels):
    if can_see_review_dates(request.user):
        panels.append(ReviewsDuePanel(request))


class ReviewReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_review_dates(request.user)


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return ReviewReportMenuItem("Medical review dates", reverse("guide_review_report"), icon_name="date", order=50)


# Marks the pages Wagtail serves to readers, the only responses the page cache may store.
# A high order puts it innermost, after Wagtail's own view-restriction check has passed.
hooks.register("on_serve_page", mark_servable, order=100)


@hooks.register("before_edit_page")
def refuse_to_save_over_a_newer_version(request, page):
    """Two staff editing one page: the second to save must not silently replace the first one's work.

    Wagtail checks this itself only for autosave and warns in the browser with JavaScript; a plain
    form submission from an out-of-date editor would overwrite. The same test as Wagtail's
    (EditView.is_out_of_date) is applied here to every submission of the edit form.
    """
    if request.method != "POST" or not request.accepts("text/html"):
        return None
    latest = Page.objects.get(pk=page.pk).latest_revision
    if latest is None:
        return None
    if overwrite_revision_id := request.POST.get("overwrite_revision_id"):
        out_of_date = overwrite_revision_id != str(latest.pk)
    elif loaded_revision_id := request.POST.get("loaded_revision_id"):
        out_of_date = loaded_revision_id != str(latest.pk) or (
            request.POST.get("loaded_revision_created_at", "") != latest.created_at.isoformat()
        )
    else:
        return None
    if not out_of_date:
        return None
    who = display_name(latest.user) if latest.user else "Someone"
    when = timezone.localtime(latest.created_at).strftime("%H:%M on %d %B %Y")
    messages.error(
        request,
        f"{who} saved a newer version of this page at {when}, after you opened it. Your changes were not "
        "saved, so theirs were not overwritten. Their version is shown here: please make your changes again.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
