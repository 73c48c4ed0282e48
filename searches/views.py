"""The search page: guides found for the reader's words (and the words staff's synonyms add), promoted
guides first, then the best answers; the passage that matched best in each; "Did you mean …?" when
a misspelt word found nothing; each search counted."""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from pages.models import GuidePage
from searches.counting import record_search
from searches.models import words_of
from searches.passages import best_passage, parts_of, published_texts, ranked
from searches.promotions import promoted_guides
from searches.spelling import corrected
from searches.synonyms import backend_query, concepts_for
from searches.words import Matcher, language_of

# Longer queries are cut here: no real question needs more, and it bounds the search's cost.
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
# The best answers are chosen among at most this many of the guides the backend finds.
MOST_WEIGHED = 200


@dataclass(frozen=True)
class Result:
    """A guide found, as the results list shows it: each text escaped, the words found marked."""

    guide: GuidePage
    title: SafeString
    summary: SafeString
    heading: SafeString  # of the section the passage is from; empty for the introduction
    anchor: str
    passage: SafeString


def cleaned_query(raw):
    """(the words to search for, as the reader typed them; whether they were cut short)."""
    # Characters that are never in words (controls, NUL) only upset database backends. Whatever
    # the address holds, no more than ten times what is searched is looked at.
    cleaned = "".join(ch for ch in " ".join(raw[: MAX_QUERY_LENGTH * 10].split()) if ch.isprintable())
    if len(cleaned) <= MAX_QUERY_LENGTH:
        return cleaned, False
    # Cut at a space, so no half word is searched for (one endless word is simply cut).
    cut = cleaned[: MAX_QUERY_LENGTH + 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_LENGTH]), True


def guides_in(locale):
    return GuidePage.objects.live().public().filter(locale=locale)


def found_guides(concepts, locale, language, most=MOST_WEIGHED):
    """The guides with every concept, as the search backend orders them; their bodies are not
    read (searches/passages.py keeps the words that are weighed)."""
    return list(guides_in(locale).defer_streamfields().search(backend_query(concepts, language))[:most])


def result(guide, passage, matcher):
    return Result(
        guide=guide,
        title=matcher.mark(guide.title),
        summary=matcher.mark(guide.summary),
        heading=matcher.mark(passage.heading) if passage and passage.heading else SafeString(""),
        anchor=passage.anchor if passage else "",
        passage=matcher.mark(passage.text) if passage else SafeString(""),
    )


@require_GET
@never_cache  # results depend on what the reader typed; no cache may keep or share them
def search(request):
    query, shortened = cleaned_query(request.GET.get("q", ""))
    # The backend gets words only: quotes and symbols are query syntax to some backends (an
    # unmatched quote is an SQLite full-text error), and no reader means them as such.
    terms = " ".join(re.findall(r"\w+", query))
    # The language searched (the address's: /search/ or /es/search/): its guides, synonyms and common words.
    locale = Locale.get_active()
    language = language_of(locale)
    words = words_of(terms)
    concepts = concepts_for(words, locale, language) if words else []
    matcher = Matcher(concepts, language)

    answers, suggestion = [], ""
    if words:
        texts = published_texts(locale)
        answers = ranked(found_guides(concepts, locale, language), texts, matcher)
        # Guides staff promoted for these words come first, in their order (searches/promotions.py).
        promoted = [guide for guide in promoted_guides(terms) if guide.locale_id == locale.id]
        promoted_ids = {guide.pk for guide in promoted}
        first = [(guide, best_passage(texts.parts.get(guide.pk) or parts_of(guide), matcher)[1]) for guide in promoted]
        answers = first + [(guide, passage) for guide, passage in answers if guide.pk not in promoted_ids]
        if not answers:
            suggestion = did_you_mean(words, concepts, texts, locale, language)
        # One search counted once, not again for each page of its results; the words and the
        # day only (searches/counting.py), never who searched.
        if "page" not in request.GET:
            record_search(terms, found_anything=bool(answers), locale=locale)

    page = Paginator(answers, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "has_words": bool(words),
        "results": page,
        "matches": [result(guide, passage, matcher) for guide, passage in page],
        "found": len(answers),
        "suggestion": suggestion,
        "shortened": shortened,
        "max_length": MAX_QUERY_LENGTH,
    }
    return render(request, "searches/search.html", context)


def did_you_mean(words, concepts, texts, locale, language):
    """The words with the misspelt ones put right, if that search finds a guide; else ""."""
    chosen = {word for concept in concepts if concept.alternatives for word in concept.words}
    better = corrected(words, texts.vocabulary, language, keep=chosen)
    if better is None or not found_guides(concepts_for(better, locale, language), locale, language, most=1):
        return ""
    return " ".join(better)
