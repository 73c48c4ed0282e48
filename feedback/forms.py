"""The public "Was this guide helpful?" form and the signed guide id it carries.

The guide page is served from the page cache and Varnish to every reader alike, so the form
cannot carry a per-visitor CSRF token. What it carries instead is the guide's id signed with
the site's secret: the same for every reader (so the page stays cacheable), and impossible to
forge for a page that was never shown (drafts, private or deleted pages).
"""

from django import forms
from django.core import signing
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from feedback.models import COMMENT_MAX_LENGTH

SIGNING_SALT = "feedback.guide"
# The honeypot: hidden from people, and a field a form-filling robot fills in.
HONEYPOT_FIELD = "website"


def sign_guide(guide):
    # No timestamp (signing.dumps would add one): every drawing of the page is then the same bytes,
    # and a page kept in a cache for days still carries a value the endpoint accepts.
    return signing.Signer(salt=SIGNING_SALT).sign(str(guide.pk))


def signed_guide_id(value):
    """The guide id from a signed value, or None if it was not signed by this site."""
    try:
        guide_id = signing.Signer(salt=SIGNING_SALT).unsign(value or "")
    except signing.BadSignature:
        return None
    return int(guide_id) if guide_id.isdigit() else None


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={
            "required": _("Choose Yes or No to say whether this guide was helpful"),
            "invalid_choice": _("Choose Yes or No to say whether this guide was helpful"),
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "max_length": format_lazy(
                _("What could be better must be {limit} characters or fewer (you wrote %(show_value)d)"),
                limit=COMMENT_MAX_LENGTH,
            ),
        },
    )
