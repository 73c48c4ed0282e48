"""Receiving a patient's feedback: the one public POST that carries no CSRF token.

It is exempt from CSRF because the form lives on a cached page shared by every reader (see
feedback/forms.py). Forged submissions are what CSRF would otherwise stop, so the endpoint
limits them itself: the guide id must be signed by this site, each visitor address may send
only a few per hour, a honeypot field catches form-filling robots, and requests are small.
Nothing about the sender is stored; the rate limit keeps only a keyed hash of the address, in
the cache, for an hour.
"""

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from feedback.forms import HONEYPOT_FIELD, FeedbackForm, sign_guide, signed_guide_id
from feedback.models import COMMENT_MAX_LENGTH, GuideFeedback
from lmi_site.client_ip import client_ip
from pages.models import GuidePage

# A form with a 500-character comment is well under 4 kB, even with every character escaped.
MAX_REQUEST_BYTES = 8 * 1024
SENDS_PER_HOUR = 10
RATE_WINDOW_SECONDS = 60 * 60
SENT_ROUTE = "feedback-sent/"


def sent_url(guide):
    """Where the patient lands after sending: the guide with the thank-you at the form's place."""
    return guide.url + SENT_ROUTE + "#feedback"


def _over_rate_limit(request):
    # A keyed hash, not the address itself, and only for an hour.
    key = "feedback:rate:" + salted_hmac("feedback.rate", client_ip(request) or "").hexdigest()
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count > SENDS_PER_HOUR


def _problem(request, status, message, guide=None, form=None):
    context = {"message": message, "guide": guide, "form": form, "max_length": COMMENT_MAX_LENGTH}
    if guide is not None:
        context["signed_guide"] = sign_guide(guide)
    return render(request, "feedback/feedback_problem.html", context, status=status)


@csrf_exempt
@require_POST
@never_cache
def send_feedback(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_REQUEST_BYTES + 1
    if length > MAX_REQUEST_BYTES:
        return _problem(request, 413, gettext("Your feedback was too long to send. Please shorten it and try again."))

    guide_id = signed_guide_id(request.POST.get("guide"))
    guide = GuidePage.objects.live().public().filter(pk=guide_id).first() if guide_id is not None else None
    if guide is None:
        return _problem(
            request, 400, gettext("This feedback form is out of date. Please open the guide again and resend.")
        )

    if _over_rate_limit(request):
        return _problem(
            request,
            429,
            gettext("You have sent a lot of feedback in the last hour. Please try again later."),
            guide=guide,
        )

    if request.POST.get(HONEYPOT_FIELD):
        # A robot: it is thanked like anyone, so it learns nothing, and nothing is kept.
        return _see_other(sent_url(guide))

    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _problem(request, 400, "", guide=guide, form=form)
    GuideFeedback.objects.create(
        guide=guide,
        helpful=form.cleaned_data["helpful"] == "yes",
        comment=form.cleaned_data["comment"].replace("\r\n", "\n").strip(),
    )
    # Post/redirect/get: reloading the thank-you page cannot send the feedback again.
    return _see_other(sent_url(guide))


def _see_other(url):
    response = redirect(url)
    response.status_code = 303
    return response
