"""What staff see: the "Guide impact" report (every guide, or one), its spreadsheet, and the small
pieces shown elsewhere in the admin (dashboard panel, the "Mark as reviewed" screen)."""

import functools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from feedback.reports import csv_cell
from impact import charts, figures
from impact.counting import flush
from lmi_site.language import page_language_tag
from pages.models import GuidePage

logger = logging.getLogger(__name__)

VIEW_PERMISSION = "impact.view_dailyfigures"
NOT_COUNTED = "Not counted yet"


def can_see_impact(user):
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def on_the_clinics_days(method):
    """Figures are by the clinic's days (settings.TIME_ZONE), as they are counted, whichever time
    zone a member of staff chose for the admin (Wagtail draws their pages in it)."""

    @functools.wraps(method)
    def in_the_clinics_zone(*args, **kwargs):
        with timezone.override(settings.TIME_ZONE):
            return method(*args, **kwargs)

    return in_the_clinics_zone


def _up_to_date():
    """Counts still waiting in the cache are moved into the database before figures are shown."""
    try:
        flush()
    except Exception:
        logger.exception("Reading counts could not be moved into the database; the figures shown may be a minute old")


def _number(value):
    return f"{value:,}"


def _share(share, part, whole, of):
    if share is None:
        return f"No {of}"
    return f"{share}% ({_number(part)} of {_number(whole)} {of})"


# Each measure: its name in the clinic's words, how a period's figure reads, and what its weekly chart shows.
MEASURES = [
    ("Views", lambda f: _number(f.views), lambda f: f.views, False),
    ("Readers", lambda f: _number(f.readers), lambda f: f.readers, False),
    (
        "Reached the end",
        lambda f: _share(f.reached_end_share, f.reached_end, f.readers, "readers"),
        lambda f: f.reached_end_share,
        True,
    ),
    (
        "Found it helpful",
        lambda f: _share(f.helpful_share, f.helpful_yes, f.answers, "answers"),
        lambda f: f.helpful_share,
        True,
    ),
    ("Consultation requests", lambda f: _number(f.requests), lambda f: f.requests, False),
]
# Counted by the reading counter; the other two come from feedback and requests, kept since before.
COUNTED = {"Views", "Readers", "Reached the end"}


def _span_label(span):
    same_year = span.first.year == span.last.year
    return f"{format_date(span.first, 'j M' if same_year else 'j M Y')} – {format_date(span.last, 'j M Y')}"


def _table(impact):
    """The periods' table of one guide: a row per measure, a cell per period."""
    rows = []
    for name, shown, _, _ in MEASURES:
        cells = []
        for period in impact.periods:
            text = NOT_COUNTED if (name in COUNTED and period.uncounted) else shown(period.figures)
            cells.append(text + (" *" if name in COUNTED and period.partly_counted else ""))
        rows.append({"measure": name, "cells": cells})
    return rows


# What a chart's bars are, when they are shares.
PER_CENT_OF = {"Reached the end": "% of readers", "Found it helpful": "% of answers"}


def _charts(impact):
    weeks = impact.weeks
    first, last = format_date(weeks[0].span.first, "j M"), format_date(weeks[-1].span.last, "j M")
    return [
        {
            "measure": name,
            "unit": PER_CENT_OF.get(name, ""),
            # A week before counting began has no bar, not a bar of nought.
            "svg": charts.bar_chart(
                [None if name in COUNTED and week.uncounted else value(week.figures) for week in weeks],
                first,
                last,
                percent=percent,
            ),
        }
        for name, _, value, percent in MEASURES
    ]


def _weeks(impact):
    return [
        {
            "span": _span_label(week.span),
            "cells": [
                NOT_COUNTED if name in COUNTED and week.uncounted else shown(week.figures)
                for name, shown, _, _ in MEASURES
            ],
        }
        for week in impact.weeks
    ]


class GuideImpactView(SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every guide's figures (or one guide's, with guide_id), and the same as CSV or XLSX."""

    page_title = "Guide impact"
    header_icon = "table"
    template_name = "impact/report.html"
    list_export = [
        "guide",
        "language",
        "address",
        "period",
        "first_day",
        "last_day",
        "views",
        "readers",
        "reached_end",
        "reached_end_share",
        "helpful_yes",
        "helpful_no",
        "helpful_share",
        "requests",
    ]
    export_headings = {
        "guide": "Guide",
        "language": "Language",
        "address": "Address",
        "period": "Period",
        "first_day": "First day",
        "last_day": "Last day",
        "views": "Views",
        "readers": "Readers",
        "reached_end": "Reached the end",
        "reached_end_share": "Reached the end (% of readers)",
        "helpful_yes": "Found it helpful: yes",
        "helpful_no": "Found it helpful: no",
        "helpful_share": "Found it helpful (% of answers)",
        "requests": "Consultation requests",
    }
    custom_field_preprocess = {"guide": {SpreadsheetExportMixin.FORMAT_CSV: csv_cell}}

    def dispatch(self, request, *args, **kwargs):
        if not can_see_impact(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @on_the_clinics_days
    def get(self, request, guide_id=None):
        self.guide = get_object_or_404(GuidePage, pk=guide_id) if guide_id is not None else None
        _up_to_date()
        guides = [self.guide] if self.guide else figures.guides_to_show()
        self.impact = figures.guide_impact(guides)
        if self.is_export:
            return self.as_spreadsheet(self.export_rows(), request.GET["export"])
        return self.render_to_response(self.get_context_data())

    def get_page_subtitle(self):
        return self.guide.title if self.guide else ""

    def get_breadcrumbs_items(self):
        items = [{"url": reverse("wagtailadmin_home"), "label": "Home"}]
        if self.guide:
            return items + [
                {"url": reverse("guide_impact"), "label": "Guide impact"},
                {"url": "", "label": self.guide.title},
            ]
        return items + [{"url": "", "label": "Guide impact"}]

    def get_filename(self):
        name = f"guide-impact-{self.guide.slug}" if self.guide else "guide-impact"
        return f"{name}-{timezone.localdate().isoformat()}"

    def export_rows(self):
        rows = []
        for item in self.impact:
            for period in item.periods:
                f = period.figures
                counted = not period.uncounted
                rows.append(
                    {
                        "guide": item.guide.title,
                        "language": _language(item.guide),
                        "address": item.guide.url or "",
                        "period": period.label,
                        "first_day": period.span.first,
                        "last_day": period.span.last,
                        "views": f.views if counted else "",
                        "readers": f.readers if counted else "",
                        "reached_end": f.reached_end if counted else "",
                        "reached_end_share": _blank(f.reached_end_share) if counted else "",
                        "helpful_yes": f.helpful_yes,
                        "helpful_no": f.helpful_no,
                        "helpful_share": _blank(f.helpful_share),
                        "requests": f.requests,
                    }
                )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["guides"] = [
            {
                "guide": item.guide,
                # Each language's guide has figures of its own; its title is in its language.
                "language": _language(item.guide),
                "lang": page_language_tag(item.guide.locale.language_code),
                "can_edit": item.guide.permissions_for_user(self.request.user).can_edit(),
                "address": item.guide.url,
                "periods": item.periods,
                "table": _table(item),
                "partly_counted": any(period.partly_counted for period in item.periods),
                "charts": _charts(item),
                "weeks": _weeks(item),
            }
            for item in self.impact
        ]
        context["one_guide"] = self.guide is not None
        context["counting_began"] = figures.counting_began()
        context["measures"] = [name for name, *_ in MEASURES]
        return context


def _language(guide):
    return dict(settings.LANGUAGES).get(guide.locale.language_code, guide.locale.language_code)


def _blank(value):
    return "" if value is None else value


# --- elsewhere in the admin --------------------------------------------------------------------


class DashboardPanel(Component):
    """The month's top line for every guide together, on the dashboard."""

    name = "guide_impact"
    order = 95
    template_name = "impact/dashboard_panel.html"

    @on_the_clinics_days
    def get_context_data(self, parent_context):
        _up_to_date()
        (this_span, this_month), (last_span, last_month) = figures.month_so_far()
        rows = [
            {"measure": name, "this": shown(this_month), "last": shown(last_month)} for name, shown, _, _ in MEASURES
        ]
        return {
            "rows": rows,
            "this_label": f"This month ({_span_label(this_span)})",
            "last_label": f"Last month ({format_date(last_span.first, 'F Y')})",
            "report_url": reverse("guide_impact"),
        }


class SinceReviewPanel(Component):
    """One guide's figures since its last medical review, beside the feedback on "Mark as reviewed"."""

    template_name = "impact/since_review.html"

    def __init__(self, guide, since):
        self.guide, self.since = guide, since

    @on_the_clinics_days
    def get_context_data(self, parent_context):
        _up_to_date()
        span, found = figures.since(self.guide, self.since)
        rows = [
            {"measure": name, "figure": shown(found)} for name, shown, _, _ in MEASURES if name != "Found it helpful"
        ]
        return {
            "since": self.since,
            "first_day": span.first,
            "counting_began": figures.counting_began(),
            "rows": rows,
            "report_url": reverse("guide_impact_of", args=[self.guide.pk]),
        }
