"""Medical review stamps: "Mark as reviewed", the workflow's approval stamp, and what is due.

A stamp only ever changes "reviewed by" and "last reviewed". It is applied to the live
version and published through Wagtail's normal revision.publish(), so page_published fires
as for any publish; nobody's unpublished draft is ever published by it.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.log_actions import log

from pages.models import ClinicSettings, GuidePage, Person
from pages.models.guide import MARK_REVIEWED_PERMISSION, SOURCE_CHECK_DAYS
from pages.models.people import display_name
from pages.roles import WORKS_ON_GUIDES, works_on_guides

# Stored in every guide's history under this name since before the app had its own room: kept.
REVIEW_LOG_ACTION = "pages.mark_reviewed"
DATE_STYLE = "j F Y"  # the one way the site writes dates: 26 August 2025


class ReviewRefused(Exception):
    """The stamp cannot be applied; the message says why in the reviewer's terms."""


# Staff who work on pages see which guides are due for review (dashboard panel, report).
SEES_REVIEW_DATES = WORKS_ON_GUIDES
can_see_review_dates = works_on_guides


def human_date(day):
    return format_date(day, DATE_STYLE) if day else ""


def reviewers_of(guide):
    """The groups whose members review this guide: those of the Medical reviewers' task in the
    workflow its pages have (the English guides' "Medical review", the Spanish ones' "Medical
    review (Spanish)", pages/roles.py), so whoever may approve a guide is whoever may stamp it.
    None when its workflow has no such task: then the permission alone decides, as it did before."""
    # By name from the app registry: the task's model imports this module (stamp_in_workflow).
    MedicalReviewTask = apps.get_model("medical_review", "MedicalReviewTask")
    workflow = guide.get_workflow()
    if workflow is None:
        return None
    tasks = MedicalReviewTask.objects.filter(workflow_tasks__workflow=workflow, active=True)
    if not tasks.exists():
        return None
    return Group.objects.filter(pk__in=tasks.values("groups"))


def can_mark_reviewed(user, page):
    guide = page.specific
    if not (user.is_active and user.has_perm(MARK_REVIEWED_PERMISSION) and isinstance(guide, GuidePage)):
        return False
    if user.is_superuser:
        return True
    # A Spanish guide is reviewed by a reviewer who reads Spanish, an English one by one who reads English.
    reviewers = reviewers_of(guide)
    return reviewers is None or user.groups.filter(pk__in=reviewers).exists()


def reviewer_person(user):
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise ReviewRefused(
            "Your account is not linked to a person in People, so the guide cannot say who reviewed it. "
            "Ask an administrator to choose your account on your People record."
        )
    return person


def other_persons_draft(guide):
    """The newest unpublished revision, if someone has changes waiting; None otherwise."""
    if not guide.has_unpublished_changes or guide.latest_revision_id == guide.live_revision_id:
        return None
    return guide.latest_revision


def last_review_entry(guide):
    """The log entry of the guide's latest review stamp (by "Mark as reviewed" or the workflow), if any."""
    from wagtail.models import PageLogEntry

    return (
        PageLogEntry.objects.filter(page=guide, action=REVIEW_LOG_ACTION)
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )


def last_review_time(guide):
    """When the guide was last reviewed: the stamp's moment, else the start of its last-reviewed day."""
    entry = last_review_entry(guide)
    if entry is not None:
        return entry.timestamp
    if guide.last_reviewed is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(guide.last_reviewed, datetime.time.min))


def version_at_last_review(guide):
    """The revision that was live when the guide was last reviewed, or None if its history does
    not reach back that far (a guide imported or first published after its last review)."""
    from wagtail.models import PageLogEntry

    entry = last_review_entry(guide)
    if entry is not None and entry.revision_id:
        return entry.revision
    if guide.last_reviewed is None:
        return None
    # Reviewed before this site stamped reviews: the version last published by the end of that day.
    day_after = timezone.make_aware(datetime.datetime.combine(guide.last_reviewed, datetime.time.min))
    day_after += datetime.timedelta(days=1)
    published = (
        PageLogEntry.objects.filter(
            page=guide, action="wagtail.publish", timestamp__lt=day_after, revision__isnull=False
        )
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )
    return published.revision if published else None


@dataclass
class ChangesSinceReview:
    reviewed_revision: object  # None when the history does not reach back to the last review
    changed_fields: list  # the labels of the fields that differ, as Wagtail's comparison shows them

    @property
    def unchanged(self):
        return self.reviewed_revision is not None and not self.changed_fields


def changes_since_last_review(guide, request):
    """What differs between the version live at the last review and the live one about to be
    stamped, worked out by the same comparison Wagtail's "Compare" view shows."""
    reviewed = version_at_last_review(guide)
    if reviewed is None or guide.live_revision_id is None:
        return ChangesSinceReview(None, [])
    if reviewed.pk == guide.live_revision_id:
        return ChangesSinceReview(reviewed, [])
    panel = guide.get_edit_handler().get_bound_panel(instance=guide, request=request, form=None)
    before, now = reviewed.as_object(), guide.live_revision.as_object()
    changed = [comparison(before, now) for comparison in panel.get_comparison()]
    return ChangesSinceReview(reviewed, [str(diff.field_label()) for diff in changed if diff.has_changed()])


def sources_to_check(guide, today=None):
    """(number of sources, the titles of those last checked more than a year ago), for the reviewer."""
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=SOURCE_CHECK_DAYS)
    sources = [block.value for block in guide.sources]
    return len(sources), [source["title"] for source in sources if source["last_checked"] < cutoff]


def check_mark_reviewed(guide, user):
    """Raise PermissionDenied or ReviewRefused if `user` may not stamp `guide` now."""
    if not can_mark_reviewed(user, guide):
        raise PermissionDenied
    if not guide.live or guide.live_revision_id is None:
        raise ReviewRefused(
            "This guide has not been published yet. Approve it in the Medical review workflow, "
            "choosing “Also mark as medically reviewed today”."
        )
    if guide.workflow_in_progress:
        raise ReviewRefused(
            "This guide is in the Medical review workflow. Approve it there and choose "
            "“Also mark as medically reviewed today”, so its pending changes are reviewed with it."
        )
    return reviewer_person(user)


def _log_stamp(guide, user, person, day, note, revision, draft_kept_by=""):
    log(
        instance=guide,
        action=REVIEW_LOG_ACTION,
        user=user,
        revision=revision,
        data={
            "reviewer": {"id": person.pk, "name": str(person)},
            "reviewed_on": day.isoformat(),
            "note": note,
            "draft_kept_by": draft_kept_by,
        },
    )


@dataclass
class StampResult:
    published_revision: object
    draft_kept_by: str  # who owns the unpublished changes left as the latest draft; "" if none


@transaction.atomic
def mark_reviewed(guide, user, note=""):
    """Stamp the live guide as reviewed today by `user`'s Person and publish only that."""
    guide = GuidePage.objects.select_for_update().get(pk=guide.pk)
    person = check_mark_reviewed(guide, user)
    today = timezone.localdate()
    pending = other_persons_draft(guide)

    live = guide.live_revision.as_object()
    live.reviewed_by, live.last_reviewed = person, today
    live.full_clean()
    revision = live.save_revision(user=user, clean=False)
    revision.publish(user=user, skip_permission_checks=True)

    draft_kept_by = ""
    if pending is not None:
        # The pending changes stay the latest draft, now carrying the new stamp, so publishing
        # them later does not roll the review date back. They are not published here.
        draft = pending.as_object()
        draft.reviewed_by, draft.last_reviewed = person, today
        draft.save_revision(user=pending.user, clean=False)
        draft_kept_by = display_name(pending.user) if pending.user else "someone"

    _log_stamp(guide, user, person, today, note, revision, draft_kept_by)
    return StampResult(published_revision=revision, draft_kept_by=draft_kept_by)


def stamp_in_workflow(guide, user, note=""):
    """The reviewer's approval stamps the version under review; the workflow publishes it later."""
    if not can_mark_reviewed(user, guide):
        raise PermissionDenied
    person = reviewer_person(user)
    today = timezone.localdate()
    draft = guide.get_latest_revision_as_object()
    draft.reviewed_by, draft.last_reviewed = person, today
    revision = draft.save_revision(user=user, clean=False)
    _log_stamp(guide, user, person, today, note, revision)
    return revision


# --- what is due ----------------------------------------------------------------------------


def guides_with_review_dates(queryset=None, today=None):
    """Every guide with next_due and status worked out, soonest due first, unreviewed last."""
    today = today or timezone.localdate()
    default_months = ClinicSettings.load().review_interval_months
    queryset = queryset if queryset is not None else GuidePage.objects.all()
    guides = list(queryset.select_related("reviewed_by", "locale"))
    languages = dict(settings.LANGUAGES)
    for guide in guides:
        guide.next_due = guide.next_review_due(default_months)
        guide.status_code, guide.status_label = guide.review_status(today, default_months)
        # Each language's version is reviewed on its own; a translation says when it fell behind.
        guide.language = languages.get(guide.locale.language_code, guide.locale.language_code)
        if guide.english_changed_at is not None:
            changed = human_date(timezone.localdate(guide.english_changed_at))
            guide.status_label += f"; behind the English guide, which changed on {changed}"
        guide.reviewer_name = str(guide.reviewed_by) if guide.reviewed_by else ""
        guide.published = "Yes" if guide.live else "No"
    guides.sort(key=lambda guide: (guide.next_due is None, guide.next_due, guide.title))
    return guides


def guides_due(today=None):
    """Guides overdue or due within 30 days (DUE_SOON_DAYS), soonest first."""
    return [guide for guide in guides_with_review_dates(today=today) if guide.status_code in ("overdue", "due-soon")]
