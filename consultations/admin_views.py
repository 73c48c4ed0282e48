"""Erasing every request from one email address, when the person asks the clinic to."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .retention import erase_by_email

ERASE_PERMISSION = "consultations.erase_consultationrequest"


class EraseForm(forms.Form):
    email = forms.EmailField(
        label="The person's email address",
        max_length=254,
        help_text="Every request sent from this address is deleted, whatever its status. This cannot be undone.",
        error_messages={
            "required": "Enter the email address the person used",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    confirm = forms.BooleanField(
        label="The person asked for their details to be deleted",
        error_messages={"required": "Tick the box to confirm the person asked for this"},
    )


def erase_view(request):
    if not request.user.has_perm(ERASE_PERMISSION):
        context = {"refusal": "You do not have permission to erase consultation requests."}
        return TemplateResponse(request, "consultations/admin/erase.html", context, status=403)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = erase_by_email(form.cleaned_data["email"], user=request.user)
        if count:
            messages.success(request, f"Erased {count} request{'s' if count != 1 else ''} from that address.")
        else:
            messages.warning(request, "No requests were sent from that address, so nothing was erased.")
        return redirect(reverse("wagtailsnippets_consultations_consultationrequest:list"))
    return TemplateResponse(request, "consultations/admin/erase.html", {"form": form})
