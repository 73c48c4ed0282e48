""" "Did you mean …?": a misspelt word put right from the words the published guides use.

Python's difflib (standard library) compares an unknown word with the guides' vocabulary
(searches/passages.py, kept until the content next changes), the same way on SQLite and
PostgreSQL: no database extension, and only words that patients can read in a published guide
are ever suggested.
"""

import difflib

from searches.words import STOP_WORDS

# How alike two words must be (difflib's ratio): "natual" and "natural" are 0.92, "imunotherapy"
# and "immunotherapy" 0.96; "cot" and "cost" 0.86; unrelated words of like length fall far below.
ALIKE = 0.8
# At most this many unknown words looked up in one search, which bounds its cost whatever is typed.
MOST_TRIED = 6


def closest_word(word, vocabulary):
    """The guides' word nearest to `word`, or None; the more used of two equally near."""
    candidates = [known for known in vocabulary if abs(len(known) - len(word)) <= 2]
    near = difflib.get_close_matches(word, candidates, n=5, cutoff=ALIKE)
    if not near:
        return None
    return max(
        near, key=lambda known: (round(difflib.SequenceMatcher(None, word, known).ratio(), 3), vocabulary[known])
    )


def corrected(words, vocabulary, language, keep=frozenset()):
    """The words with each one the guides never use put right, or None if none could be.

    Numbers, words of one or two letters, common words and those `keep` names (a synonym's
    words, which staff chose) are left as they are."""
    stop = STOP_WORDS.get(language, frozenset())
    result, tried, changed = [], 0, False
    for word in words:
        replacement = None
        unknown = word not in vocabulary and word not in keep and word not in stop
        if unknown and len(word) > 2 and word.isalpha() and tried < MOST_TRIED:
            tried += 1
            replacement = closest_word(word, vocabulary)
        changed = changed or bool(replacement)
        result.append(replacement or word)
    return result if changed else None
