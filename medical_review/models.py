from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask

from medical_review.review import stamp_in_workflow
from medical_review.untranslated import untranslated_refusal


class MedicalApprovalForm(TaskStateCommentForm):
    mark_reviewed = forms.BooleanField(
        required=False,
        label="Also mark as medically reviewed today",
        help_text="Sets “Medically reviewed by” to you and “Last reviewed” to today when this version is published.",
    )


class MedicalReviewTask(AbstractGroupApprovalTask):
    """A group approval whose "Approve" can also stamp the review date: one choice, not two steps."""

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            return [("reject", "Request changes", True), ("approve", "Approve", True)]
        return []

    def get_form_for_action(self, action):
        return MedicalApprovalForm if action == "approve" else TaskStateCommentForm

    def get_template_for_action(self, action):
        # Approving a guide never published points the reviewer to the whole of it.
        return "medical_review/medical_approval_modal.html" if action == "approve" else ""

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        mark_reviewed = kwargs.pop("mark_reviewed", False)
        if action_name == "approve":
            guide = task_state.workflow_state.content_object.specific
            if mark_reviewed:
                candidate = stamp_in_workflow(guide, user, note=kwargs.get("comment", "")).as_object()
            else:
                candidate = guide.get_latest_revision_as_object()
            missing = candidate.missing_for_publishing()
            if missing:
                # Approving would pass on a guide that cannot be published; nothing is kept.
                raise PermissionDenied(" ".join(missing.values()))
            untranslated = untranslated_refusal(candidate) if candidate.is_translation() else None
            if untranslated:
                raise PermissionDenied(untranslated)
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return "Medical reviewers approve the guide and can mark it as medically reviewed in the same step"

    class Meta:
        # Made in pages and moved here (medical_review/migrations/0001): the table keeps its name and rows.
        db_table = "pages_medicalreviewtask"
        verbose_name = "medical review task"
        verbose_name_plural = "medical review tasks"
