"""A Spanish guide is medically reviewed in Spanish: its pages' own workflow, "Medical review
(Spanish)", asks the Medical reviewers (Spanish), and only they (and superusers) approve it or mark
it reviewed. The English guides' workflow and reviewers are as they were."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse

from medical_review.models import MedicalReviewTask
from pages.models import GuidePage, HomePage, Person
from pages.roles import MEDICAL_REVIEWERS, MODERATORS, SPANISH_MEDICAL_REVIEWERS
from tests.translations import TEST_TITLE, publish_in_spanish, spanish_draft, staff_member


@pytest.fixture
def english(seeded):
    return GuidePage.objects.get(locale__language_code="en-gb")


@pytest.fixture
def reviewers(make_staff, english):
    """A Medical reviewer who reads only English and one who reads Spanish (linked to the People
    record by `as_the_reviewer`: a record names one account)."""
    return {
        "english": make_staff(MEDICAL_REVIEWERS, username="english-reviewer"),
        "spanish": make_staff(SPANISH_MEDICAL_REVIEWERS, username="spanish-reviewer"),
    }


def as_the_reviewer(reviewer):
    """The reviewer's account on the medical director's People record, which "Mark as reviewed" names."""
    user, client = reviewer
    Person.objects.filter(name="Dr. Félix Porras").update(user=user)
    return client


@pytest.fixture
def spanish_in_review(english):
    """The Spanish guide, translated (with a test's title), submitted to its workflow by an Editor."""
    spanish = spanish_draft(english)
    spanish.get_workflow().start(spanish, staff_member("Editors"))
    return GuidePage.objects.get(pk=spanish.pk)


def workflow_of(page):
    workflow = page.get_workflow()
    return workflow.name, [
        (type(task.specific).__name__, list(task.specific.groups.values_list("name", flat=True)))
        for task in workflow.tasks
    ]


def approve(client, guide, **data):
    task_state = GuidePage.objects.get(pk=guide.pk).current_workflow_task_state
    return client.post(f"/admin/pages/workflow/action/{guide.id}/approve/{task_state.id}/", data)


def test_spanish_pages_have_their_own_workflow_and_english_ones_keep_theirs(english):
    spanish = spanish_draft(english)
    assert workflow_of(spanish) == (
        "Medical review (Spanish)",
        [("MedicalReviewTask", [SPANISH_MEDICAL_REVIEWERS]), ("GroupApprovalTask", [MODERATORS])],
    )
    assert workflow_of(english) == (
        "Medical review",
        [("MedicalReviewTask", [MEDICAL_REVIEWERS]), ("GroupApprovalTask", [MODERATORS])],
    )
    # The Moderators' sign-off is the same task in both.
    assert spanish.get_workflow().tasks.last().pk == english.get_workflow().tasks.last().pk


def test_the_spanish_reviewers_hold_what_the_english_ones_do_on_the_spanish_pages_only(seeded):
    spanish_group = Group.objects.get(name=SPANISH_MEDICAL_REVIEWERS)
    english_group = Group.objects.get(name=MEDICAL_REVIEWERS)

    def codenames(group):
        return sorted(group.permissions.values_list("content_type__app_label", "codename"))

    assert codenames(spanish_group) == codenames(english_group)
    assert ("pages", "mark_guide_reviewed") in codenames(spanish_group)
    granted = [
        (p.page.specific_class, p.page.locale.language_code, p.permission.codename)
        for p in spanish_group.page_permissions.all()
    ]
    assert granted == [(HomePage, "es", "change_page")]


def test_an_english_only_reviewer_can_neither_approve_nor_stamp_a_spanish_guide(reviewers, spanish_in_review):
    client = as_the_reviewer(reviewers["english"])
    dashboard = client.get("/admin/").content.decode()
    assert TEST_TITLE not in dashboard  # nothing of it awaits their review
    editor = BeautifulSoup(client.get(f"/admin/pages/{spanish_in_review.id}/edit/").content, "html.parser")
    assert editor.select_one("[name=action-workflow-action]") is None
    assert "Approve" not in [button.get_text(strip=True) for button in editor.select("footer button")]

    # Refused by its address too: Wagtail sends them back to the dashboard.
    response = approve(client, spanish_in_review, mark_reviewed="on")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    guide = GuidePage.objects.get(pk=spanish_in_review.pk)
    assert isinstance(guide.current_workflow_task, MedicalReviewTask)
    assert guide.get_latest_revision_as_object().reviewed_by is None


def test_a_spanish_reviewer_approves_and_stamps_it_then_a_moderator_publishes_it(
    reviewers, spanish_in_review, make_staff, client
):
    reviewer = as_the_reviewer(reviewers["spanish"])
    assert TEST_TITLE in reviewer.get("/admin/").content.decode()  # awaiting their review
    assert reviewer.get(f"/admin/pages/{spanish_in_review.id}/edit/").status_code == 200
    response = approve(reviewer, spanish_in_review, comment="Correcto.", mark_reviewed="on")
    assert response.status_code == 302
    guide = GuidePage.objects.get(pk=spanish_in_review.pk)
    assert not isinstance(guide.current_workflow_task, MedicalReviewTask)
    assert guide.get_latest_revision_as_object().reviewed_by.name == "Dr. Félix Porras"

    _moderator, moderator = make_staff(MODERATORS)
    assert approve(moderator, guide).status_code == 302
    assert GuidePage.objects.get(pk=guide.pk).live
    assert client.get("/es/guias/nk-cell-therapy/").status_code == 200


def test_mark_as_reviewed_on_a_spanish_guide_is_the_spanish_reviewers_and_on_an_english_one_the_english(
    reviewers, english
):
    spanish = publish_in_spanish(english)
    mark = reverse("mark_guide_reviewed", args=[spanish.id])
    english_reviewer = as_the_reviewer(reviewers["english"])
    assert english_reviewer.get(mark).status_code == 403
    assert english_reviewer.post(mark, {"note": ""}).status_code == 403
    editor = english_reviewer.get(f"/admin/pages/{spanish.id}/edit/").content.decode()
    assert mark not in editor

    spanish_reviewer = as_the_reviewer(reviewers["spanish"])
    english_mark = reverse("mark_guide_reviewed", args=[english.id])
    assert spanish_reviewer.post(english_mark, {"note": ""}).status_code == 403
    assert mark in spanish_reviewer.get(f"/admin/pages/{spanish.id}/edit/").content.decode()
    assert spanish_reviewer.post(mark, {"note": "Revisada."}).status_code == 302

    # English as before: the English reviewer stamps the English guide.
    as_the_reviewer(reviewers["english"])
    assert english_reviewer.post(english_mark, {"note": ""}).status_code == 302


def test_the_data_migration_gives_a_site_with_spanish_pages_its_spanish_review(seeded):
    """A site seeded before this migration has its Spanish home page under the English workflow."""
    from importlib import import_module

    from django.apps import apps as django_apps
    from wagtail.models import Workflow, WorkflowPage

    spanish_home = HomePage.objects.get(locale__language_code="es")
    WorkflowPage.objects.filter(page=spanish_home).delete()
    Workflow.objects.filter(name="Medical review (Spanish)").delete()
    Group.objects.filter(name=SPANISH_MEDICAL_REVIEWERS).delete()
    assert spanish_home.get_workflow().name == "Medical review"

    import_module("pages.migrations.0015_spanish_medical_reviewers").create_spanish_review(django_apps, None)
    assert HomePage.objects.get(pk=spanish_home.pk).get_workflow().name == "Medical review (Spanish)"
    assert Group.objects.get(name=SPANISH_MEDICAL_REVIEWERS).page_permissions.get().page_id == spanish_home.pk
    assert HomePage.objects.get(locale__language_code="en-gb").get_workflow().name == "Medical review"
