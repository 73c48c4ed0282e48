"""How the impact app attaches to the admin: the report and its place in Reports, each guide's
link to its figures, the dashboard panel, and the figures on the "Mark as reviewed" screen."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from impact.views import DashboardPanel, GuideImpactView, SinceReviewPanel, can_see_impact
from lmi_site.admin_menu import MenuItemFor
from pages.models import GuidePage


@hooks.register("register_admin_urls")
def register_impact_urls():
    return [
        path("reports/guide-impact/", GuideImpactView.as_view(), name="guide_impact"),
        path("reports/guide-impact/<int:guide_id>/", GuideImpactView.as_view(), name="guide_impact_of"),
    ]


@hooks.register("register_reports_menu_item")
def register_impact_report_menu_item():
    return MenuItemFor("Guide impact", reverse("guide_impact"), can_see_impact, icon_name="table", order=58)


@hooks.register("register_page_header_buttons")
def guide_figures_button(page, user, view_name, next_url=None):
    # In the "…" menu beside a guide's title, in the editor and wherever else Wagtail shows it.
    if isinstance(page.specific_deferred, GuidePage) and can_see_impact(user):
        yield Button("Guide impact", url=reverse("guide_impact_of", args=[page.pk]), icon_name="table", priority=66)


@hooks.register("construct_homepage_panels")
def add_impact_panel(request, panels):
    if can_see_impact(request.user):
        panels.append(DashboardPanel())


# medical_review's "Mark as reviewed" screen shows what this hook answers, beside the feedback since
# the last review (medical_review/views.py names it; neither app imports the other).
@hooks.register("mark_reviewed_panels")
def figures_since_review(request, guide, since):
    if can_see_impact(request.user):
        yield SinceReviewPanel(guide, since)
