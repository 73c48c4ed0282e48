"""Staff's synonyms, applied to a patient's words, and the search asked of the search backend."""

from wagtail.search.query import And, Or, PlainText

from searches.models import Synonym
from searches.words import STOP_WORDS, Concept, without_stop_words


def synonyms_in(locale):
    """{patients' words: [the guides' words, ...]} of one language, each as a tuple of words.

    Read at every search, not kept: a synonym staff add works at once, and the table is small."""
    table = {}
    for term, means in Synonym.objects.filter(locale=locale).values_list("term", "means"):
        table.setdefault(tuple(term.split()), []).append(tuple(means.split()))
    return table


def concepts_for(words, locale, language):
    """The concepts of a search: each word typed, or the words a synonym names together ("side
    effects"), with what the synonyms add to it. Common words with no synonym say nothing about
    what is searched for, and are left out unless nothing else was typed."""
    table = synonyms_in(locale)
    longest = max(map(len, table), default=0)
    concepts, start = [], 0
    while start < len(words):
        for size in range(min(longest, len(words) - start), 0, -1):
            wording = tuple(words[start : start + size])
            if wording in table:
                concepts.append(Concept(wording, tuple(table[wording])))
                start += size
                break
        else:
            concepts.append(Concept((words[start],)))
            start += 1
    stop = STOP_WORDS.get(language, frozenset())
    meaningful = [c for c in concepts if c.alternatives or not (len(c.words) == 1 and c.words[0] in stop)]
    return meaningful or concepts


def backend_query(concepts, language):
    """Guides with every concept, in any of its wordings, as Wagtail's search backends take it
    (PostgreSQL's full-text search and SQLite's both support And, Or and PlainText)."""
    queries = []
    for concept in concepts:
        wordings = [
            PlainText(" ".join(without_stop_words(words, language)), operator="and") for words in concept.every_wording
        ]
        queries.append(wordings[0] if len(wordings) == 1 else Or(wordings))
    return queries[0] if len(queries) == 1 else And(queries)
