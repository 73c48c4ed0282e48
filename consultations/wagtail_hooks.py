"""The coordinators' "Consultation requests" area in the Wagtail admin.

Wagtail's snippet views (list, filters, search, edit, CSV export, history) with three additions
of ours: nobody adds a request by hand (they come from patients); seeing a request in the
list, opening it or exporting it is written to the audit log, naming who saw which request; and an "Erase a
person's requests" page. Only Patient coordinators (consultations/roles.py) and superusers hold
the permissions, so nobody else sees the menu item or can open the addresses.
"""

import datetime

import django_filters
from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.models import Site
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from lmi_site.clock import in_time_zone, to_the_minute

from . import second_factor
from .admin_views import ERASE_PERMISSION, erase_view
from .audit import ERASE_ACTION, EXPORT_ACTION, LIST_ACTION, PURGE_ACTION, VIEW_ACTION
from .models import ClinicContactSettings, ConsultationRequest
from .models.contact import contact_settings, tel_number
from .seeding import seed_consultation_pages

# A spreadsheet opens a cell starting with these as a formula: a patient's words must stay words.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ConsultationRequestPermissionPolicy(ModelPermissionPolicy):
    """Requests come from patients only: nobody, not even a superuser, adds one in the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [action for action in actions if action != "add"])


register_permission_policy(ConsultationRequest, ConsultationRequestPermissionPolicy(ConsultationRequest))


def as_text_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class ConsultationRequestIndexView(IndexView):
    # CSV only: one format to keep track of, and it is plain text the clinic can open anywhere.
    FORMATS = (IndexView.FORMAT_CSV,)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # The person's time zone, which the admin switches to only while the view runs: a CSV
        # export is written after it returns.
        self.time_zone = timezone.get_current_timezone()

    def get_heading(self, queryset, field):
        if field == "received_at":
            return f"Received ({self.time_zone})"
        return super().get_heading(queryset, field)

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime):
            return to_the_minute(value, self.time_zone)  # not Wagtail's UTC with microseconds
        value = super().preprocess_field_value(field, value, export_format)
        # A phone number is checked to hold only digits, spaces, brackets, dashes and a leading +.
        return value if field == "phone" else as_text_cell(value)

    def get_filename(self):
        # Named by the day it was taken, in the clinic's calendar.
        return f"{self.export_filename}-{timezone.localdate().isoformat()}"

    def render_to_response(self, context, **response_kwargs):
        # A page of the list (a search or filter too) names each patient on it; an export is logged
        # as an export instead (as_spreadsheet).
        if not self.is_export:
            with transaction.atomic():
                for consultation in context["object_list"]:
                    log(consultation, LIST_ACTION, user=self.request.user)
        return super().render_to_response(context, **response_kwargs)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Every request in the file is logged as seen by this person (the queryset keeps what it read).
        for consultation in queryset:
            log(consultation, EXPORT_ACTION, user=self.request.user)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    @property
    def header_more_buttons(self):
        # Wagtail offers XLSX too; only CSV is exported here (FORMATS).
        buttons = [button for button in super().header_more_buttons if button.url != self.xlsx_export_url]
        if self.request.user.has_perm(ERASE_PERMISSION):
            buttons.append(
                Button("Erase a person's requests", url=reverse("consultations_erase"), icon_name="bin", priority=50)
            )
        return buttons


def treatments_asked_about():
    return [
        (name, name)
        for name in ConsultationRequest.objects.order_by("treatment").values_list("treatment", flat=True).distinct()
    ]


class ConsultationRequestFilterSet(WagtailFilterSet):
    # Whole days in the person's time zone (django-filter makes each date that day's start and end there).
    received_at = django_filters.DateFromToRangeFilter(label="Date received", widget=DateRangePickerWidget)
    # The treatments patients named, as stored: guides are renamed or unpublished, requests keep their words.
    treatment = django_filters.ChoiceFilter(label="Treatment", choices=treatments_asked_about)

    class Meta:
        model = ConsultationRequest
        fields = ["status", "received_at", "treatment", "assigned_to", "preferred_language", "contact_method"]


class ContactLinkPanel(FieldPanel):
    """The patient's email address or phone number, read-only, as a link that starts an email or a call."""

    read_only_output_template_name = "consultations/admin/contact_link.html"

    def format_value_for_display(self, value):
        if not value:
            return ""
        href = f"mailto:{value}" if self.field_name == "email" else f"tel:{tel_number(value)}"
        # Underlined: in the grey box the link's colour alone would not show it is one.
        return format_html('<a class="w-underline" href="{}">{}</a>', href, value)


class ConsultationRequestEditView(EditView):
    def render_to_response(self, context, **response_kwargs):
        # Each time the patient's details are drawn: on opening, and again when a save is refused.
        log(self.object, VIEW_ACTION, user=self.request.user)
        return super().render_to_response(context, **response_kwargs)


class ConsultationRequestViewSet(SnippetViewSet):
    model = ConsultationRequest
    icon = "mail"
    menu_label = "Consultation requests"
    add_to_admin_menu = True
    menu_order = 250
    index_view_class = ConsultationRequestIndexView
    edit_view_class = ConsultationRequestEditView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "__str__",
        "full_name",
        Column("received_at", label=in_time_zone("Received"), sort_key="received_at"),
        "treatment",
        # Which language to answer in, at a glance: requests from the Spanish pages ask for Spanish.
        "preferred_language",
        "status",
        "assigned_to",
    ]
    filterset_class = ConsultationRequestFilterSet
    # The database's own matching, not Wagtail's search index: no copy of patients' details in the index.
    search_fields = ["full_name", "email", "phone", "country", "treatment", "message", "internal_notes"]
    search_backend_name = None
    list_export = [
        "id",
        "received_at",
        "get_status_display",
        "full_name",
        "email",
        "phone",
        "country",
        "get_contact_method_display",
        "get_preferred_language_display",
        "treatment",
        "sent_from",
        "message",
        "assigned_to",
        "internal_notes",
    ]
    export_headings = {
        "id": "Request number",
        "get_status_display": "Status",
        "get_contact_method_display": "Preferred contact",
        "get_preferred_language_display": "Preferred language",
        "assigned_to": "Assigned coordinator",
        "sent_from": "Sent from the guide",
    }
    export_filename = "consultation-requests"
    ordering = ["-received_at"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("assigned_to"), FieldPanel("internal_notes")],
            heading="Follow-up",  # short enough for a phone's width
        ),
        MultiFieldPanel(
            [
                (ContactLinkPanel if name in ("email", "phone") else FieldPanel)(name, read_only=True)
                for name in (
                    "received_at",
                    "full_name",
                    "email",
                    "phone",
                    "country",
                    "contact_method",
                    "preferred_language",
                    "treatment",
                    "sent_from",
                    "message",
                    "consented_at",
                )
            ],
            heading="What the patient sent",
        ),
    ]


register_snippet(ConsultationRequestViewSet)


@hooks.register("register_admin_urls")
def register_consultation_admin_urls():
    return [path("consultations/erase/", erase_view, name="consultations_erase"), *second_factor.admin_urls()]


@hooks.register("register_log_actions")
def register_consultation_log_actions(actions):
    actions.register_action(LIST_ACTION, "See a consultation request in the list", "Seen in the list of requests")
    actions.register_action(VIEW_ACTION, "View a consultation request", "Viewed the patient's details")
    actions.register_action(EXPORT_ACTION, "Export consultation requests", "Exported the patient's details to CSV")
    actions.register_action(ERASE_ACTION, "Erase at the person's request", "Erased at the person's request")
    actions.register_action(PURGE_ACTION, "Delete after the retention period", "Deleted: closed past retention")
    actions.register_action(
        second_factor.RESET_ACTION, "Reset a colleague's second factor", "Second factor reset (lost authenticator)"
    )
    actions.register_action(second_factor.NEW_CODES_ACTION, "Make new recovery codes", "Made new recovery codes")


@hooks.register("register_account_menu_item")
def recovery_codes_menu_item(request):
    """Account → "Make new recovery codes", for whoever has an authenticator app set up."""
    if second_factor.TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return {
            "url": reverse("second_factor_recovery_codes"),
            "label": "Make new recovery codes",
            "help_text": "Replaces your recovery codes, for example when you have used most of them.",
        }
    return None


@hooks.register("register_user_listing_buttons")
def reset_second_factor_button(user, request_user):
    """Users → a colleague's "More options" → "Reset second factor", for administrators."""
    if second_factor.can_reset_for(request_user, user) and second_factor.django_otp.user_has_device(
        user, confirmed=None
    ):
        yield Button(
            "Reset second factor",
            reverse("second_factor_reset", args=[user.pk]),
            icon_name="lock",
            priority=60,
        )


# --- the dashboard ---------------------------------------------------------------------------


class ConsultationRequestsPanel(Component):
    """How many requests wait, and whether anyone is told of new ones (a blank address emails nobody)."""

    name = "consultation_requests"
    order = 80
    template_name = "consultations/admin/dashboard_panel.html"

    def __init__(self, request, sees_requests, sets_address):
        self.request, self.sees_requests, self.sets_address = request, sees_requests, sets_address

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        site = Site.objects.filter(is_default_site=True).first()
        context["no_notification_address"] = not contact_settings(site).coordinator_email
        list_url = reverse("wagtailsnippets_consultations_consultationrequest:list")
        if self.sees_requests:
            context["new_requests"] = ConsultationRequest.objects.filter(status=ConsultationRequest.Status.NEW).count()
            context["list_url"] = list_url
            context["new_list_url"] = f"{list_url}?status={ConsultationRequest.Status.NEW}"
        if self.sets_address:
            context["settings_url"] = reverse(
                "wagtailsettings:edit",
                args=[ClinicContactSettings._meta.app_label, ClinicContactSettings._meta.model_name],
            )
        return context


@hooks.register("construct_homepage_panels")
def add_consultation_requests_panel(request, panels):
    sees_requests = request.user.has_perm("consultations.view_consultationrequest")
    sets_address = policy_registry.get_by_type(ClinicContactSettings).user_has_permission(request.user, "change")
    if sees_requests or sets_address:
        panels.append(ConsultationRequestsPanel(request, sees_requests, sets_address))


# `seed_content` makes this app's pages and group after the guides (pages/seeding.py).
hooks.register("seed_content", seed_consultation_pages)
