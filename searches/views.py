"""The search page: guides found for the reader's words, promoted guides first, each search counted."""

import re

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from pages.models import GuidePage
from searches.counting import record_search
from searches.promotions import promoted_guides

# Longer queries are cut here: no real question needs more, and it bounds the search's cost.
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


@require_GET
@never_cache  # results depend on what the reader typed; no cache may keep or share them
def search(request):
    # Characters that are never in words (controls, NUL) only upset database backends.
    cleaned = "".join(ch for ch in " ".join(request.GET.get("q", "").split()) if ch.isprintable())
    shortened = len(cleaned) > MAX_QUERY_LENGTH
    # Cut at a space, so no half word is searched for.
    query = cleaned[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0] if shortened else cleaned
    # The search backend gets words only: quotes and symbols are query syntax to some backends
    # (an unmatched quote is an SQLite full-text error), and no reader means them as such.
    terms = " ".join(re.findall(r"\w+", query))
    # The guides in the page's language (the address's: /search/ or /es/search/).
    in_language = GuidePage.objects.live().public().filter(locale=Locale.get_active())
    results = in_language.search(terms, operator="and") if terms else GuidePage.objects.none()
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    words = query.split()
    # Guides staff promoted for these words come first (searches/promotions.py).
    promoted = promoted_guides(terms) if terms else []
    promoted_ids = {guide.pk for guide in promoted}
    matches = [(guide, guide.search_excerpt(words)) for guide in page if guide.pk not in promoted_ids]
    found_here = {guide.pk for guide in page}
    if page.number == 1:
        matches = [(guide, guide.search_excerpt(words)) for guide in promoted] + matches
    found = page.paginator.count + len(promoted_ids - found_here)
    if terms and "page" not in request.GET:
        # One search counted once, not again for each page of its results; the words and the
        # day only (searches/counting.py), never who searched.
        record_search(terms, found_anything=bool(found))
    context = {
        "query": query,
        "results": page,
        "matches": matches,
        "found": found,
        "words": words,
        "shortened": shortened,
    }
    return render(request, "searches/search.html", context)
