"""Submit a guide's translation to Medical review, from the translation editor's work.

wagtail-localize's editor keeps each translated string as it is typed, and offers only Publish
(which this site refuses for translations: medical_review/translations.py). Here a translator
makes the translation's draft from their strings and submits it to the guide's workflow, once
every string is translated; a Medical reviewer then approves it, as for an English guide.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.admin.widgets import ListingButton
from wagtail.models import Page

from medical_review.untranslated import untranslated_refusal, untranslated_strings


def _translation_of(guide):
    from wagtail_localize.models import Translation

    return (
        Translation.objects.filter(source__object_id=guide.translation_key, target_locale_id=guide.locale_id)
        .select_related("source", "target_locale")
        .first()
    )


def submittable(guide, user):
    """Whether the guide is a translation made in wagtail-localize that this user may edit."""
    is_translation = getattr(guide, "is_translation", None)
    return bool(is_translation and is_translation() and guide.permissions_for_user(user).can_edit())


def submit_translation_view(request, page_id):
    guide = get_object_or_404(Page, id=page_id).specific
    translation = _translation_of(guide) if submittable(guide, request.user) else None
    if translation is None:
        context = {"page": guide, "refusal": "This is not a translated guide you may submit."}
        return TemplateResponse(request, "medical_review/submit_translation.html", context, status=403)
    refusal = untranslated_refusal(guide)
    if guide.current_workflow_state is not None:
        refusal = "This translation is already in the Medical review workflow."
    if request.method == "POST" and not refusal:
        # The draft from the translated strings (nothing is published), then the workflow.
        translation.save_target(user=request.user, publish=False)
        guide = Page.objects.get(pk=guide.pk).specific
        guide.get_workflow().start(guide, request.user)
        messages.success(request, f"“{guide.title}” has been submitted to Medical review.")
        return redirect("wagtailadmin_explore", guide.get_parent().id)
    missing, total = untranslated_strings(guide)
    context = {"page": guide, "refusal": refusal, "missing": missing, "total": total, "translation": translation}
    return TemplateResponse(request, "medical_review/submit_translation.html", context)


def submit_translation_buttons(page, user, view_name=None, next_url=None):
    """ "Submit translation to Medical review" beside the page, for whoever may edit the translation."""
    if submittable(page.specific_deferred, user):
        yield ListingButton(
            "Submit translation to Medical review",
            reverse("submit_translation_for_review", args=[page.id]),
            priority=61,
            icon_name="tasks",
        )
