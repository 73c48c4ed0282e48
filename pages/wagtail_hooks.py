import datetime

from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.pages.edit import EditView
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from pages.admin_views import GuideReviewReportView, mark_reviewed_view, plain_language_report
from pages.cache import mark_servable
from pages.models import Person
from pages.reminders import send_review_reminders_view
from pages.review import (
    REVIEW_LOG_ACTION,
    ReviewRefused,
    can_see_review_dates,
    check_mark_reviewed,
    guides_due,
    human_date,
)
from pages.workflow_views import GuidePageViewSet


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "credentials", "role"]
    search_fields = ["name"]


register_snippet(PersonViewSet)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("insert_editor_js")
def editor_js():
    # Stops autosave once the editor's form is sent (static/js/admin-editor.js says why).
    return format_html('<script src="{}" defer></script>', static("js/admin-editor.js"))


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
        path("reports/plain-language/", plain_language_report, name="plain_language_report"),
        path("reports/medical-review/reminders/", send_review_reminders_view, name="send_review_reminders"),
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


@hooks.register("register_reports_menu_item")
def register_plain_language_report_menu_item():
    # Everyone who works on guides' words sees how plain they are (the same roles as review dates).
    return ReviewReportMenuItem("Plain language", reverse("plain_language_report"), icon_name="glasses", order=55)


# Marks the pages Wagtail serves to readers, the only responses the page cache may store.
# A high order puts it innermost, after Wagtail's own view-restriction check has passed.
hooks.register("on_serve_page", mark_servable, order=100)


# --- a new guide published while its first autosave is still on its way -------------------------


JUST_AUTOSAVED_MINUTES = 10


@hooks.register("before_create_page")
def publish_into_the_draft_just_autosaved(request, parent_page, page_class):
    """A Publish pressed a moment after typing stops can reach the "add page" address after
    Wagtail's autosave has already created the page from the same form, but before the editor
    has switched itself to that page's edit address. The form's slug then clashes with the
    page it just made, and staff see "could not be created" with nothing wrong in their form.

    Wagtail does not guard that moment, so this does: a plain (not autosave) submission of the
    add form whose slug is that of a never-published draft this same person started minutes
    ago, with no one else's revisions, is handled as an edit of that draft.
    """
    if request.method != "POST" or not request.accepts("text/html") or not request.POST.get("slug"):
        return None
    draft = (
        parent_page.get_children()
        .filter(slug=request.POST["slug"], owner=request.user, live=False, first_published_at__isnull=True)
        .first()
    )
    if draft is None or draft.specific_class is not page_class:
        return None
    revisions = draft.revisions.all()
    first = revisions.order_by("created_at").first()
    if first is None or revisions.exclude(user=request.user).exists():
        return None
    if timezone.now() - first.created_at > datetime.timedelta(minutes=JUST_AUTOSAVED_MINUTES):
        return None
    return EditView.as_view()(request, page_id=draft.pk)
