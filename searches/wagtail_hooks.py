from django.urls import path, reverse
from wagtail import hooks

from lmi_site.admin_menu import MenuItemFor
from searches.reports import can_see_searches, searches_report
from searches.synonym_views import synonyms


@hooks.register("register_admin_urls")
def register_searches_urls():
    return [path("reports/searches/", searches_report, name="searches_report")]


@hooks.register("register_reports_menu_item")
def register_searches_report_menu_item():
    return MenuItemFor("Searches", reverse("searches_report"), can_see_searches, icon_name="search", order=65)


@hooks.register("register_admin_viewset")
def register_synonyms():
    return synonyms
