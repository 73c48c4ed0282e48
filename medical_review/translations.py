"""A translated guide is medical content: it goes live only as a medical reviewer approved it, whole.

wagtail-localize would publish a new translation at once, with every string not yet translated
still in English (it fills them from the original), and its editor has a Publish button beside no
workflow. The guide's own publish (pages.models.guide.GuidePage.publish) asks this app, through
the "check_translation_publish" hook, whether a version of a translated guide may go live:

- every one of its strings is translated (wagtail-localize's own count of its segments), and
- a Medical reviewers' approval in the workflow came after this version was saved, or the version
  differs from the live one only in its review stamp ("Mark as reviewed" on a live translation).
"""

from django.db.models import Q
from wagtail.models import Page, Revision, TaskState

from medical_review.models import MedicalReviewTask
from medical_review.untranslated import untranslated_refusal

# What patients read; a version that changes none of these changes only the review stamp.
READ_BY_PATIENTS = ("title", "slug", "summary", "therapy_name", "introduction", "body", "sources", "seo_title")


def approved_by_a_medical_reviewer_since(guide, revision):
    """Whether a Medical reviewers' task approved the guide after this version was saved."""
    return TaskState.objects.filter(
        Q(revision=revision) | Q(finished_at__gte=revision.created_at),
        workflow_state__object_id=str(guide.pk),
        workflow_state__base_content_type__model="page",
        task__in=MedicalReviewTask.objects.all(),
        status=TaskState.STATUS_APPROVED,
    ).exists()


def only_the_review_stamp_changes(guide, revision):
    # From the page as stored: the guide passed in is the version about to be published.
    live = Revision.objects.filter(pk__in=Page.objects.filter(pk=guide.pk).values("live_revision_id")).first()
    if live is None:
        return False
    return all(live.content.get(name) == revision.content.get(name) for name in READ_BY_PATIENTS)


def translation_publish_refusal(guide, revision):
    """The hook's answer: why this version of a translated guide may not go live, or None."""
    refusal = untranslated_refusal(revision.as_object())
    if refusal:
        return refusal
    if approved_by_a_medical_reviewer_since(guide, revision) or only_the_review_stamp_changes(guide, revision):
        return None
    return (
        "A translated guide goes live only once a Medical reviewer has approved this version in the "
        "Medical review workflow: submit it to Medical review."
    )
