from django.urls import path, reverse
from wagtail import hooks

from feedback.reports import can_see_feedback, feedback_csv, feedback_report
from lmi_site.admin_menu import MenuItemFor


@hooks.register("register_admin_urls")
def register_feedback_urls():
    return [
        path("reports/patient-feedback/", feedback_report, name="feedback_report"),
        path("reports/patient-feedback/export.csv", feedback_csv, name="feedback_csv"),
    ]


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return MenuItemFor("Patient feedback", reverse("feedback_report"), can_see_feedback, icon_name="comment", order=60)
