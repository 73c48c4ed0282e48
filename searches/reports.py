"""The "Searches" report: the most frequent terms and those that found nothing, by month."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.search_promotions.models import QueryDailyHits

from searches.models import SearchCount, SearchWithoutResults, Synonym

VIEW_PERMISSION = "searches.view_searchwithoutresults"
ADD_SYNONYM_PERMISSION = "searches.add_synonym"
TERMS_SHOWN = 50


def can_see_searches(user):
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def month_from(value):
    """The month a ?month=YYYY-MM names, or None if it names none."""
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def terms_in_month(model, month):
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    return (
        model.objects.filter(date__gte=month, date__lt=next_month)
        .values("query__query_string", "locale__language_code")
        .annotate(searches=Sum("hits"))
        .order_by("-searches", "query__query_string", "locale__language_code")[:TERMS_SHOWN]
    )


def with_language(rows):
    """Each row with its language's name ("English", "Español"), as the language link names it."""
    names = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
    return [{**row, "language": names.get(row["locale__language_code"], row["locale__language_code"])} for row in rows]


def with_synonyms(rows):
    """Each term's row with the synonyms staff have given it (in any language), so a term that
    found nothing shows whether it has been dealt with."""
    rows = list(rows)
    given = {}
    for term, means in Synonym.objects.filter(term__in=[row["query__query_string"] for row in rows]).values_list(
        "term", "means"
    ):
        given.setdefault(term, []).append(means)
    return [{**row, "synonyms": given.get(row["query__query_string"], [])} for row in rows]


def searches_report(request):
    # A view of our own: Wagtail's "Search terms" report (superusers only) lists all-time totals
    # by day and cannot say which terms found nothing.
    if not can_see_searches(request.user):
        raise PermissionDenied
    months = [
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
        for row in QueryDailyHits.objects.annotate(month=TruncMonth("date"))
        .values("month")
        .distinct()
        .order_by("-month")
    ]
    this_month = timezone.localdate().replace(day=1)
    requested = request.GET.get("month")
    month = month_from(requested) if requested else (months[0] if months else this_month)
    error = "" if month else f"“{requested}” is not a month; choose one from the list."
    month = month or this_month
    context = {
        "months": months,
        "month": month,
        "error": error,
        "frequent": with_language(terms_in_month(SearchCount, month)),
        "without_results": with_synonyms(with_language(terms_in_month(SearchWithoutResults, month))),
        # Those who keep synonyms (Moderators) add one for a term that found nothing, from its row.
        "add_synonym_url": reverse("search_synonyms:add") if request.user.has_perm(ADD_SYNONYM_PERMISSION) else "",
        "terms_shown": TERMS_SHOWN,
    }
    return TemplateResponse(request, "searches/report.html", context, status=400 if error else 200)
