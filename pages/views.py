"""Public views that are not Wagtail pages: search and robots.txt."""

import re

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pages.models import GuidePage

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
    results = GuidePage.objects.live().public().search(terms, operator="and") if terms else GuidePage.objects.none()
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    words = query.split()
    context = {
        "query": query,
        "results": page,
        "matches": [(guide, guide.search_excerpt(words)) for guide in page],
        "words": words,
        "shortened": shortened,
    }
    return render(request, "pages/search.html", context)


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
