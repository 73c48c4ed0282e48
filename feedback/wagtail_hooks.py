from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from feedback.reports import can_see_feedback, feedback_csv, feedback_report


@hooks.register("register_admin_urls")
def register_feedback_urls():
    return [
        path("reports/patient-feedback/", feedback_report, name="feedback_report"),
        path("reports/patient-feedback/export.csv", feedback_csv, name="feedback_csv"),
    ]


class FeedbackReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_feedback(request.user)


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return FeedbackReportMenuItem("Patient feedback", reverse("feedback_report"), icon_name="comment", order=60)
