"""The "Medical review" workflow: editor submits, reviewer approves (and may stamp), moderator publishes."""

import datetime
import html
import json

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from medical_review.models import MedicalReviewTask
from medical_review.review import REVIEW_LOG_ACTION
from pages.models import GuidePage, Person
from tests.test_admin_editing import edit_form_data

OLD_DATE = datetime.date(2025, 8, 26)


@pytest.fixture
def staff(make_staff, guide):
    porras = Person.objects.get(name="Dr. Félix Porras")
    return {
        "editor": make_staff("Editors"),
        "reviewer": make_staff("Medical reviewers", person=porras),
        "moderator": make_staff("Moderators"),
    }


def submit_change(client, guide, title):
    data = edit_form_data(client, guide)
    data["title"] = title
    data["action-submit"] = "action-submit"
    response = client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]


def act(client, guide, action, **data):
    guide = GuidePage.objects.get(pk=guide.pk)
    task_state = guide.current_workflow_task_state
    url = f"/admin/pages/workflow/action/{guide.id}/{action}/{task_state.id}/"
    return client.post(url, data)


def test_the_guides_are_covered_by_the_medical_review_workflow(guide):
    workflow = guide.get_workflow()
    assert workflow.name == "Medical review"
    tasks = [task.specific for task in workflow.tasks]
    assert isinstance(tasks[0], MedicalReviewTask)
    assert [list(task.groups.values_list("name", flat=True)) for task in tasks] == [
        ["Medical reviewers"],
        ["Moderators"],
    ]


def test_editor_submits_reviewer_approves_and_stamps_moderator_publishes(staff, guide, client):
    submit_change(staff["editor"][1], guide, "A reviewed new title")
    guide = GuidePage.objects.get()
    assert isinstance(guide.current_workflow_task, MedicalReviewTask)
    assert guide.title == "A Patient's Guide to NK Cell Therapy"  # nothing published yet

    # A moderator cannot skip the medical reviewers' step.
    assert act(staff["moderator"][1], guide, "approve").status_code in (302, 403)
    assert isinstance(GuidePage.objects.get().current_workflow_task, MedicalReviewTask)

    response = act(staff["reviewer"][1], guide, "approve", comment="Accurate.", mark_reviewed="on")
    assert response.status_code == 302
    guide = GuidePage.objects.get()
    assert not isinstance(guide.current_workflow_task, MedicalReviewTask)  # now with the moderators
    assert guide.last_reviewed == OLD_DATE  # the stamp waits for publishing with the change
    draft = guide.get_latest_revision_as_object()
    assert draft.last_reviewed == timezone.localdate() and draft.reviewed_by.name == "Dr. Félix Porras"
    assert draft.title == "A reviewed new title"
    entry = PageLogEntry.objects.get(action=REVIEW_LOG_ACTION)
    assert entry.user == staff["reviewer"][0] and entry.data["note"] == "Accurate."

    assert act(staff["moderator"][1], guide, "approve").status_code == 302
    guide = GuidePage.objects.get()
    assert guide.title == "A reviewed new title" and guide.last_reviewed == timezone.localdate()
    assert guide.current_workflow_state is None
    assert "A reviewed new title" in client.get(guide.url).content.decode()


def test_approving_without_the_stamp_keeps_the_old_review_date(staff, guide):
    submit_change(staff["editor"][1], guide, "A small wording fix")
    assert act(staff["reviewer"][1], guide, "approve", comment="").status_code == 302
    assert act(staff["moderator"][1], guide, "approve").status_code == 302
    guide = GuidePage.objects.get()
    assert guide.title == "A small wording fix" and guide.last_reviewed == OLD_DATE
    assert not PageLogEntry.objects.filter(action=REVIEW_LOG_ACTION).exists()


def test_a_new_guide_cannot_be_approved_without_a_review_stamp(staff, guide):
    """An editor's new guide has no reviewer or date; approving it must include the stamp."""
    new_guide = GuidePage(
        title="A second guide",
        slug="second",
        therapy_name="A therapy",
        summary="S.",
        introduction="<p>I.</p>",
        body=[],
        live=False,
    )
    new_guide.author = guide.author
    guide.get_parent().add_child(instance=new_guide)
    new_guide.save_revision(user=staff["editor"][0])
    new_guide.get_workflow().start(new_guide, staff["editor"][0])

    # Refused the way Wagtail refuses a forbidden admin action: back to the dashboard with an error.
    response = act(staff["reviewer"][1], new_guide, "approve", comment="")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "do not have permission" in staff["reviewer"][1].get("/admin/").content.decode()
    new_guide = GuidePage.objects.get(pk=new_guide.pk)
    assert isinstance(new_guide.current_workflow_task, MedicalReviewTask)  # still waiting

    assert act(staff["reviewer"][1], new_guide, "approve", comment="", mark_reviewed="on").status_code == 302
    assert act(staff["moderator"][1], new_guide, "approve").status_code == 302
    new_guide = GuidePage.objects.get(pk=new_guide.pk)
    assert new_guide.live and new_guide.last_reviewed == timezone.localdate()


@pytest.mark.parametrize("how", ["submit", "draft-while-in-review"])
def test_a_guide_in_review_cannot_lose_its_author(staff, guide, how):
    """Otherwise the moderators' final approval would try to publish a guide with no author."""
    editor = staff["editor"][1]
    if how == "draft-while-in-review":
        submit_change(editor, guide, "A title under review")
    data = edit_form_data(editor, GuidePage.objects.get())
    data["author"] = ""
    if how == "submit":
        data["action-submit"] = "action-submit"
    revisions = guide.revisions.count()
    response = editor.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 200
    assert "A guide needs an author while it is reviewed for publishing." in response.content.decode()
    guide = GuidePage.objects.get()
    assert guide.get_latest_revision_as_object().author is not None
    assert guide.revisions.count() == revisions  # nothing saved


def approve_in_the_editor(client, guide, **extra):
    """The editor's own Approve: its form is sent with the action and the approval's own fields."""
    data = edit_form_data(client, guide)
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    data["workflow-action-extra-data"] = json.dumps(extra)
    response = client.post(f"/admin/pages/{guide.id}/edit/", data, follow=True)
    # What the message says, without the Edit button that follows it.
    return [html.unescape(str(message)).splitlines()[0] for message in response.context["messages"]]


def test_approving_in_the_editor_says_what_happened_not_just_updated(staff, guide):
    submit_change(staff["editor"][1], guide, "A reviewed new title")
    said = approve_in_the_editor(staff["reviewer"][1], GuidePage.objects.get())
    assert said == ["Page 'A reviewed new title' has been approved. It now waits for: Moderators approval."]

    said = approve_in_the_editor(staff["moderator"][1], GuidePage.objects.get())
    assert said == ["Page 'A reviewed new title' has been approved and published."]
    assert GuidePage.objects.get().title == "A reviewed new title"
