"""Counting what patients search for: the term and the day, nothing about who searched."""

from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query

from searches.models import SearchCount, SearchWithoutResults


def record_search(terms, found_anything, locale):
    """Count one search for `terms` (the words searched for, as the search backend got them) in
    the language of `locale`."""
    query = Query.get(terms)
    # The clinic's day: Wagtail's own count (its "Search terms" report) otherwise takes the UTC
    # date, and after 17:00 in Los Cabos that is already tomorrow.
    today = timezone.localdate()
    query.add_hit(date=today)
    counts = [SearchCount] if found_anything else [SearchCount, SearchWithoutResults]
    for model in counts:
        counted, _ = model.objects.get_or_create(query=query, locale=locale, date=today)
        model.objects.filter(pk=counted.pk).update(hits=F("hits") + 1)
    return query
