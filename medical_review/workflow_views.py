"""Wagtail's workflow actions, on the dashboard and in the editor, confirmed by a message saying what happened."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page

from pages.models import GuidePage


def say_what_the_workflow_did(request, page_pk, task_state):
    """A success message for an Approve or Request changes just taken; False if the task is still
    waiting (the form came back with its errors, nothing happened yet)."""
    task_state.refresh_from_db()
    if task_state.status == task_state.STATUS_IN_PROGRESS:
        return False
    page = Page.objects.get(pk=page_pk).specific_deferred
    title = page.get_admin_display_title()
    if task_state.status == task_state.STATUS_REJECTED:
        message = f"Changes have been requested on page '{title}'."
    elif page.workflow_in_progress:
        message = f"Page '{title}' has been approved. It now waits for: {page.current_workflow_task.name}."
    elif page.live and not page.has_unpublished_changes:
        message = f"Page '{title}' has been approved and published."
    else:
        message = f"Page '{title}' has been approved."
    edit_url = reverse("wagtailadmin_pages:edit", args=[quote(page.pk)])
    messages.success(request, message, buttons=[messages.button(edit_url, "Edit")])
    return True


class WorkflowActionWithMessage(WorkflowActionView):
    """Wagtail's own view: after Approve or Request changes on the dashboard, the row just went
    away with no word of what happened."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        say_what_the_workflow_did(request, self.object.pk, self.task_state)
        return response


class EditViewSayingWhatTheWorkflowDid(EditView):
    """Wagtail's editor: Approve or Request changes from its action menu said only "Page … has
    been updated", which leaves a reviewer unsure whether their approval counted."""

    acted_on = None

    def perform_workflow_action(self):
        self.acted_on = self.page.current_workflow_task_state
        return super().perform_workflow_action()

    def add_save_confirmation_message(self):
        if self.acted_on is None or not say_what_the_workflow_did(self.request, self.page.pk, self.acted_on):
            super().add_save_confirmation_message()


class GuidePageViewSet(PageViewSet):
    """Wagtail's page views for guides, with the workflow actions above; nothing else differs."""

    model = GuidePage
    workflow_action_view_class = WorkflowActionWithMessage
    edit_view_class = EditViewSayingWhatTheWorkflowDid

    @property
    def parent_models(self):
        return []  # the guide index keeps Wagtail's usual page listing
