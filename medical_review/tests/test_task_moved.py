"""The medical review task moved from pages to medical_review: a database made by the migrations before
the move, with a seeded guide and a review in progress, keeps all of it when migrated forward, and a
backup written before the move restores after it."""

import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backup import backup
from medical_review.models import MedicalReviewTask
from pages.models import GuidePage
from pages.roles import MEDICAL_REVIEWERS, REVIEW_TASK_NAME, WORKFLOW_NAME
from pages.seeding import seed

LAST_BEFORE_THE_MOVE = ("pages", "0009_figure_description_only_for_drawings")


def migrate_back_before_the_move():
    """Unapply the move (medical_review's migrations and pages 0010); the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate([LAST_BEFORE_THE_MOVE, ("medical_review", None)])
    ContentType.objects.clear_cache()
    executor.loader.build_graph()
    # The state of what is applied now: going back also unapplied other apps' later migrations that
    # need pages' newer ones (searches' synonym permissions, say), so their leaves would not do.
    # (Wagtail's squashed migrations are recorded by their old names too: only the graph's count.)
    graph = executor.loader.graph
    return executor.loader.project_state(
        [node for node in executor.loader.applied_migrations if node in graph.nodes]
    ).apps


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def start_review_as_before_the_move(old_apps, guide_pk, user_pk):
    """A guide submitted to the Medical review workflow and waiting for its reviewers, made with
    the models as they were before the move (the task still pages.MedicalReviewTask)."""
    get = old_apps.get_model
    ContentTypes = get("contenttypes", "ContentType")
    workflow = get("wagtailcore", "Workflow").objects.get(name=WORKFLOW_NAME)
    task = get("pages", "MedicalReviewTask").objects.get(name=REVIEW_TASK_NAME)
    revision = get("wagtailcore", "Revision").objects.filter(object_id=str(guide_pk)).order_by("-created_at").first()
    state = get("wagtailcore", "WorkflowState").objects.create(
        content_type=ContentTypes.objects.get(app_label="pages", model="guidepage"),
        base_content_type=ContentTypes.objects.get(app_label="wagtailcore", model="page"),
        object_id=str(guide_pk),
        workflow=workflow,
        status="in_progress",
        requested_by_id=user_pk,
    )
    task_state = get("wagtailcore", "TaskState").objects.create(
        workflow_state=state,
        revision=revision,
        task_id=task.pk,
        status="in_progress",
        comment="",
        content_type=ContentTypes.objects.get(app_label="wagtailcore", model="taskstate"),
    )
    state.current_task_state = task_state
    state.save()
    return task.pk


@pytest.fixture
def site_before_the_move(transactional_db):
    # Seeded with today's code (whose models have fields added since), then taken back before the
    # move: the guide is read with the models as they were then.
    seed()
    try:
        old_apps = migrate_back_before_the_move()
        assert ContentType.objects.filter(app_label="pages", model="medicalreviewtask").exists()
        guide = old_apps.get_model("pages", "GuidePage").objects.get(locale__language_code="en-gb")
        editor = get_user_model().objects.create_user("editor", "editor@example.com", "a-long-password")
        task_pk = start_review_as_before_the_move(old_apps, guide.pk, editor.pk)
        yield {"guide": guide, "task_pk": task_pk}
    finally:
        # Whatever a failure left behind, the next test gets the database at its latest migrations.
        migrate_forward()


def test_migrating_forward_keeps_the_content_the_task_and_the_review_in_progress(site_before_the_move):
    before = site_before_the_move["guide"]
    migrate_forward()

    guide = GuidePage.objects.get()
    assert (guide.title, guide.slug, guide.live) == (before.title, before.slug, True)
    assert guide.body.get_prep_value() == before.body.get_prep_value()
    assert (guide.reviewed_by_id, guide.last_reviewed) == (before.reviewed_by_id, before.last_reviewed)

    # The same task row, now of the model in medical_review, with its group.
    assert not ContentType.objects.filter(app_label="pages", model="medicalreviewtask").exists()
    task = MedicalReviewTask.objects.get(pk=site_before_the_move["task_pk"])
    assert [group.name for group in task.groups.all()] == [MEDICAL_REVIEWERS]
    assert task.content_type == ContentType.objects.get_for_model(MedicalReviewTask)

    # The guide is still waiting for its reviewers, who can still act on it.
    assert guide.workflow_in_progress
    current = guide.current_workflow_task
    assert isinstance(current, MedicalReviewTask) and current.pk == task.pk
    reviewer = get_user_model().objects.create_user("reviewer", "reviewer@example.com", "a-long-password")
    reviewer.groups.add(task.groups.get())
    assert [name for name, _, _ in current.get_actions(guide, reviewer)] == ["reject", "approve"]


# Written by `manage.py backup_content` of commit 093544f, the last before the move, on a seeded
# site where an Editor had submitted the guide and it waited for the Medical reviewers.
MADE_BEFORE_THE_MOVE = (
    Path(__file__).resolve().parents[2] / "backup" / "tests" / "fixtures" / "made-before-the-move.tar.gz"
)


def test_a_backup_made_before_the_move_restores_after_it(transactional_db, tmp_path, settings):
    manifest = json.loads(member(MADE_BEFORE_THE_MOVE, backup.MANIFEST))
    assert ["pages", "medicalreviewtask"] in manifest["content_types"].values()  # truly the old layout
    assert '"model": "pages.medicalreviewtask"' in member(MADE_BEFORE_THE_MOVE, backup.DATA).decode()

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("flush", interactive=False, verbosity=0)  # a new, migrated database
    backup.restore_backup(MADE_BEFORE_THE_MOVE)

    guide = GuidePage.objects.get()
    assert guide.title == "A Patient's Guide to NK Cell Therapy"
    task = MedicalReviewTask.objects.get()
    assert task.content_type == ContentType.objects.get_for_model(MedicalReviewTask)
    assert [group.name for group in task.groups.all()] == [MEDICAL_REVIEWERS]
    # Still waiting for its reviewers, who can act on it after the move.
    assert guide.workflow_in_progress and guide.current_workflow_task.pk == task.pk
    assert guide.current_workflow_state.requested_by.username == "ed"
    reviewer = get_user_model().objects.create_user("reviewer", "reviewer@example.com", "a-long-password")
    reviewer.groups.add(task.groups.get())
    assert [name for name, _, _ in guide.current_workflow_task.get_actions(guide, reviewer)] == ["reject", "approve"]


def member(path, name):
    with tarfile.open(path, "r:gz") as archive:
        return archive.extractfile(name).read()
