from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from searches.reports import can_see_searches, searches_report


@hooks.register("register_admin_urls")
def register_searches_urls():
    return [path("reports/searches/", searches_report, name="searches_report")]


class SearchesReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_searches(request.user)


@hooks.register("register_reports_menu_item")
def register_searches_report_menu_item():
    return SearchesReportMenuItem("Searches", reverse("searches_report"), icon_name="search", order=65)
