"""The consultation request form: what a patient may send, checked field by field in plain words."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .models.request import ConsultationRequest

NOT_SURE = "not-sure"
NOT_SURE_LABEL = _("I'm not sure yet")
# Messages are the GOV.UK pattern's: say what to do, name the field.
SINGLE_LINE = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]")
PHONE = re.compile(r"^\+?[0-9 ()\-.]+$")


def one_line(label):
    def validate(value):
        if SINGLE_LINE.search(value):
            raise ValidationError(_("%(what)s must be on one line") % {"what": label})

    return validate


def validate_phone(value):
    if not PHONE.match(value) or sum(ch.isdigit() for ch in value) < 6:
        raise ValidationError(_("Enter a phone number using only numbers, spaces, brackets, dashes and a leading +"))


class ConsultationRequestForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[one_line(_("Your name"))],
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Your name must be 200 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will only use this to reply to you about your request."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": _("Your email address must be 254 characters or fewer"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        help_text=_("Include the country code if you live outside Mexico."),
        validators=[one_line(_("Your phone number")), validate_phone],
        error_messages={"max_length": _("Your phone number must be 40 characters or fewer")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    country = forms.CharField(
        label=_("Country you live in"),
        max_length=100,
        validators=[one_line(_("Your country"))],
        error_messages={
            "required": _("Enter the country you live in"),
            "max_length": _("The country must be 100 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
    )
    contact_method = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        # The stored values are the model's; the words are the page's language ("Email", "Por correo
        # electrónico": in Spanish not the email field's own label, so each label names one input).
        choices=[
            (ConsultationRequest.ContactMethod.EMAIL, pgettext_lazy("contact method", "Email")),
            (ConsultationRequest.ContactMethod.PHONE, pgettext_lazy("contact method", "Phone")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you would like us to contact you")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Which language would you prefer?"),
        choices=[
            (ConsultationRequest.Language.ENGLISH, _("English")),
            (ConsultationRequest.Language.SPANISH, _("Spanish")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the language you would prefer")},
    )
    treatment = forms.ChoiceField(
        label=_("Treatment you are interested in"),
        error_messages={"required": _("Choose a treatment, or “I'm not sure yet”")},
    )
    message = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        max_length=1000,
        required=False,
        strip=True,
        help_text=_(
            "Up to 1000 characters. Please do not include medical history or test results: "
            "a doctor will ask you about those at the consultation."
        ),
        error_messages={"max_length": _("Your message must be 1000 characters or fewer")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # The number of the guide whose link opened the form (?guide=), kept with the request for the
    # coordinators and the guide's figures; the patient may still choose another treatment above.
    from_guide = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that the clinic may use these details to reply to me"),
        error_messages={"required": _("Tick the box to agree to the privacy notice, so that we can reply to you")},
    )

    def __init__(self, *args, treatments=(), **kwargs):
        super().__init__(*args, **kwargs)
        # (guide slug, therapy name) of the published guides, then "not sure".
        self.fields["treatment"].choices = [("", _("Choose a treatment")), *treatments, (NOT_SURE, NOT_SURE_LABEL)]
        self.fields["contact_method"].initial = ConsultationRequest.ContactMethod.EMAIL
        # The language of the page the form is on: a patient reading Spanish is asked to be answered
        # in Spanish unless they choose otherwise.
        spanish = (get_language() or "").startswith(ConsultationRequest.Language.SPANISH)
        self.fields["preferred_language"].initial = (
            ConsultationRequest.Language.SPANISH if spanish else ConsultationRequest.Language.ENGLISH
        )

    def treatment_name(self):
        return dict(self.fields["treatment"].choices)[self.cleaned_data["treatment"]]
