"""A translated guide is medical content: it goes live only as a medical reviewer approved it, whole.

wagtail-localize would publish a new translation at once, with every string not yet translated
still in English (it fills them from the original), and its editor has a Publish button beside no
workflow. The guide's own publish (pages.models.guide.GuidePage.publish) asks this app, through
the "check_translation_publish" hook, whether a version of a translated guide may go live:

- every one of its strings is translated (wagtail-localize's own count of its segments), and
- a Medical reviewers' approval in the workflow came after this version was saved, or the version
  differs from the live one only in its review stamp ("Mark as reviewed" on a live translation).
"""

import json

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, TaskState
from wagtail.signals import page_published

from medical_review.models import MedicalReviewTask
from medical_review.untranslated import untranslated_refusal
from pages.models import GuidePage

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
    return _same_for_patients(live, revision)


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


# --- translations behind the English guide ---------------------------------------------------


def _previously_published(guide, revision):
    """The version published before this one, if any."""
    entry = (
        PageLogEntry.objects.filter(page_id=guide.pk, action="wagtail.publish", revision__isnull=False)
        .exclude(revision_id=revision.pk)
        .filter(timestamp__lte=revision.created_at if revision.created_at else timezone.now())
        .order_by("-timestamp", "-pk")
        .select_related("revision")
        .first()
    )
    return entry.revision if entry else None


def _comparable(value):
    # A revision keeps a stream field as JSON text, whose keys come in whatever order the database
    # gave them back (PostgreSQL's jsonb sorts them): compared as data, not as text.
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _same_for_patients(before, after):
    return all(
        _comparable(before.content.get(name)) == _comparable(after.content.get(name)) for name in READ_BY_PATIENTS
    )


def changes_what_patients_read(before, after):
    return before is None or not _same_for_patients(before, after)


def synced_since(translation_page, moment):
    """Whether wagtail-localize synced the translation from the English guide at or after moment."""
    from wagtail_localize.models import TranslationSource

    return TranslationSource.objects.filter(
        object_id=translation_page.translation_key, last_updated_at__gte=moment
    ).exists()


def guide_published(sender, instance, revision=None, **kwargs):
    """page_published: an English guide's change of what patients read puts its translations
    behind it; a translation published after being synced from the changed English catches up."""
    guide = instance.specific_deferred if hasattr(instance, "specific_deferred") else instance
    if not isinstance(guide, GuidePage) or revision is None:
        return
    if not guide.is_translation():
        if changes_what_patients_read(_previously_published(guide, revision), revision):
            GuidePage.objects.filter(translation_key=guide.translation_key).exclude(pk=guide.pk).update(
                english_changed_at=timezone.now()
            )
        return
    behind_since = GuidePage.objects.filter(pk=guide.pk).values_list("english_changed_at", flat=True).first()
    if behind_since is not None and synced_since(guide, behind_since):
        GuidePage.objects.filter(pk=guide.pk).update(english_changed_at=None)


def connect_signals():
    page_published.connect(guide_published, dispatch_uid="medical-review-translations-behind")


def english_changes_url(guide):
    """The admin's comparison of the English guide as the translation last followed it (when it
    was last synced from the English, or made) with the English guide as published now; "" when
    the translation is not behind or there is nothing to compare."""
    if guide.english_changed_at is None or not guide.is_translation():
        return ""
    from django.urls import reverse
    from wagtail_localize.models import TranslationSource

    english = GuidePage.objects.filter(
        translation_key=guide.translation_key, locale__language_code=settings.LANGUAGE_CODE
    ).first()
    if english is None or english.live_revision_id is None:
        return ""
    source = TranslationSource.objects.filter(object_id=guide.translation_key, locale=english.locale).first()
    if source is not None:
        followed_at = source.last_updated_at
    else:
        first = Revision.page_revisions.filter(object_id=str(guide.pk)).order_by("created_at").first()
        followed_at = first.created_at if first else guide.english_changed_at
    then = (
        PageLogEntry.objects.filter(page=english, action="wagtail.publish", timestamp__lte=followed_at)
        .exclude(revision=None)
        .order_by("-timestamp", "-pk")
        .values_list("revision_id", flat=True)
        .first()
    )
    if then is None or then == english.live_revision_id:
        return ""
    return reverse("wagtailadmin_pages:revisions_compare", args=[english.pk, then, "live"])
