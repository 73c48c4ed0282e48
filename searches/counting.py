"""Counting what patients search for: the term and the day, nothing about who searched."""

from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query

from searches.models import SearchWithoutResults


def record_search(terms, found_anything):
    """Count one search for `terms` (the words searched for, as the search backend got them)."""
    query = Query.get(terms)
    query.add_hit()
    if not found_anything:
        today = timezone.localdate()
        counted, _ = SearchWithoutResults.objects.get_or_create(query=query, date=today)
        SearchWithoutResults.objects.filter(pk=counted.pk).update(hits=F("hits") + 1)
    return query
