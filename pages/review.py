"""Medical review stamps: "Mark as reviewed", the workflow's approval stamp, and what is due.

A stamp only ever changes "reviewed by" and "last reviewed". It is applied to the live
version and published through Wagtail's normal revision.publish(), so page_published fires
as for any publish; nobody's unpublished draft is ever published by it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from wagtail.log_actions import log
from wagtail.permission_policies.pages import PagePermissionPolicy

from pages.models import ClinicSettings, GuidePage, Person
from pages.models.guide import MARK_REVIEWED_PERMISSION
from pages.models.people import display_name

REVIEW_LOG_ACTION = "pages.mark_reviewed"
DATE_STYLE = "j F Y"  # the one way the site writes dates: 26 August 2025


class ReviewRefused(Exception):
    """The stamp cannot be applied; the message says why in the reviewer's terms."""


# Staff who work on pages see which guides are due for review (dashboard panel, report).
SEES_REVIEW_DATES = ["add", "change", "publish"]


def human_date(day):
    return format_date(day, DATE_STYLE) if day else ""


def can_see_review_dates(user):
    return PagePermissionPolicy().user_has_any_permission(user, SEES_REVIEW_DATES)


def can_mark_reviewed(user, page):
    return bool(user.is_active and user.has_perm(MARK_REVIEWED_PERMISSION) and isinstance(page.specific, GuidePage))


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
    guides = list((queryset if queryset is not None else GuidePage.objects.all()).select_related("reviewed_by"))
    for guide in guides:
        guide.next_due = guide.next_review_due(default_months)
        guide.status_code, guide.status_label = guide.review_status(today, default_months)
        guide.reviewer_name = str(guide.reviewed_by) if guide.reviewed_by else ""
        guide.published = "Yes" if guide.live else "No"
    guides.sort(key=lambda guide: (guide.next_due is None, guide.next_due, guide.title))
    return guides


def guides_due(today=None):
    """Guides overdue or due within 30 days (DUE_SOON_DAYS), soonest first."""
    return [guide for guide in guides_with_review_dates(today=today) if guide.status_code in ("overdue", "due-soon")]
