"""Wagtail's workflow action from the dashboard, confirmed by a message like every other action."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page

from pages.models import GuidePage


class WorkflowActionWithMessage(WorkflowActionView):
    """Wagtail's own view: after Approve or Request changes on the dashboard, the row just went
    away with no word of what happened; the editor's action menu says so, and now this does too."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        self.task_state.refresh_from_db()
        if self.task_state.status == self.task_state.STATUS_IN_PROGRESS:
            return response  # the form came back with its errors; nothing happened yet
        page = Page.objects.get(pk=self.object.pk).specific_deferred
        title = page.get_admin_display_title()
        if self.task_state.status == self.task_state.STATUS_REJECTED:
            message = f"Changes have been requested on page '{title}'."
        elif page.workflow_in_progress:
            message = f"Page '{title}' has been approved. It now waits for: {page.current_workflow_task.name}."
        elif page.live and not page.has_unpublished_changes:
            message = f"Page '{title}' has been approved and published."
        else:
            message = f"Page '{title}' has been approved."
        buttons = [messages.button(self.get_edit_url(page), "Edit")]
        messages.success(request, message, buttons=buttons)
        return response

    def get_edit_url(self, page):
        return reverse("wagtailadmin_pages:edit", args=[quote(page.pk)])


class GuidePageViewSet(PageViewSet):
    """Wagtail's page views for guides, with the workflow action above; nothing else differs."""

    model = GuidePage
    workflow_action_view_class = WorkflowActionWithMessage

    @property
    def parent_models(self):
        return []  # the guide index keeps Wagtail's usual page listing
