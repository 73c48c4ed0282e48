from django import template

from feedback.forms import sign_guide
from feedback.models import COMMENT_MAX_LENGTH, GuideFeedback
from feedback.reports import COMMENTS_SHOWN, can_see_feedback, summary

register = template.Library()


@register.inclusion_tag("feedback/feedback_form.html")
def feedback_form(guide, sent=False):
    """The end-of-guide question, or the thank-you in its place; the same for every reader."""
    return {"guide": guide, "sent": sent, "signed_guide": sign_guide(guide), "max_length": COMMENT_MAX_LENGTH}


@register.inclusion_tag("feedback/since_review.html", takes_context=True)
def feedback_since_review(context, guide, since):
    """Patients' answers about this guide since its last medical review, for the reviewer."""
    if not can_see_feedback(context["request"].user):
        return {"shown": False}
    queryset = GuideFeedback.objects.filter(guide=guide)
    if since is not None:
        queryset = queryset.filter(received_at__gte=since)
    return {
        "shown": True,
        "since": since,
        "counts": summary(queryset),
        "comments": queryset.exclude(comment="")[:COMMENTS_SHOWN],
        "one_guide": True,
    }
