"""Reminders to each overdue guide's medical reviewer: from cron (`review_status --notify`) or the
admin ("Send review reminders" on the Medical review dates report), the same messages either way."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.permission_policies.pages import PagePermissionPolicy

from medical_review.review import ReviewRefused, check_mark_reviewed, guides_with_review_dates, human_date


@dataclass
class Reminder:
    guide: object
    email: str  # "" when nobody could be emailed
    sent: bool
    reason: str  # why not, when not sent


def can_send_reminders(user):
    # Those who publish guides (Moderators, administrators) chase their reviews.
    return PagePermissionPolicy().user_has_permission(user, "publish")


def overdue_guides():
    return [guide for guide in guides_with_review_dates() if guide.status_code == "overdue"]


def reviewer_account(guide):
    return guide.reviewed_by.user if guide.reviewed_by else None


def what_to_do(guide, user):
    """Ask for "Mark as reviewed" only where that button will work for this reviewer."""
    try:
        check_mark_reviewed(guide, user)
    except ReviewRefused as refusal:
        return f"Please review it. {refusal} The guide in the admin:"
    except PermissionDenied:
        return (
            "Please review it. Your account cannot mark guides as reviewed yet: ask an administrator "
            "to add it to the Medical reviewers group. The guide in the admin:"
        )
    return "Please review it and choose “Mark as reviewed” in the admin:"


def remind(guide):
    """Email the guide's medical reviewer that its review is overdue; say who, or why nobody."""
    user = reviewer_account(guide)
    if user is None or not user.email:
        who = guide.reviewer_name or "no medical reviewer"
        return Reminder(guide, "", False, f"{who} has no linked account with an email address.")
    edit_url = f"{settings.WAGTAILADMIN_BASE_URL}/admin/pages/{guide.pk}/edit/"
    sent = send_mail(
        subject=f"Medical review overdue: {guide.title} ({guide.language})",
        message=(
            f"Dear {guide.reviewed_by.name},\n\n"
            f"The guide “{guide.title}”, in {guide.language}, was last reviewed on {human_date(guide.last_reviewed)} "
            f"and was due for review on {human_date(guide.next_due)}.\n\n"
            f"{what_to_do(guide, user)}\n{edit_url}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    if not sent:
        return Reminder(guide, user.email, False, "no mail server is configured (EMAIL_HOST).")
    return Reminder(guide, user.email, True, "")


def send_review_reminders_view(request):
    """Reports → Medical review dates → "Send review reminders": who will be emailed, then send."""
    if not can_send_reminders(request.user):
        raise PermissionDenied
    guides = overdue_guides()
    if request.method == "POST":
        for reminder in (remind(guide) for guide in guides):
            if reminder.sent:
                messages.success(request, f"Emailed {reminder.guide.reviewer_name} about “{reminder.guide.title}”.")
            else:
                messages.warning(request, f"Not emailed: “{reminder.guide.title}”: {reminder.reason}")
        if not guides:
            messages.info(request, "No guide is overdue for medical review, so no reminder was sent.")
        return redirect(reverse("guide_review_report"))
    rows = [(guide, reviewer_account(guide)) for guide in guides]
    return TemplateResponse(request, "medical_review/send_review_reminders.html", {"rows": rows})
