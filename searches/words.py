"""What a patient's words are to search, in the language they are written in.

A search is a list of *concepts*: each is a word the patient typed (or words a staff synonym joined,
"side effects"), with the other words that also count for it (the synonym's "safety"). The search
backend is asked for guides with every concept (searches/synonyms.py); this module finds the
concepts in a guide's text, to choose the passage shown and mark the words in it.

The few rules that depend on the language (words too common to search for, a word's endings) are
kept per language code, English and Spanish; a language without rules here is searched word for word.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Words too common to say what a search is about: marking "the" in every passage helps nobody, and
# SQLite's full-text search, unlike PostgreSQL's English configuration, would require them.
STOP_WORDS = {
    "en": frozenset(
        """a about after all also am an and any are as at be been before but by can could did do does
        for from had has have how i if in into is it its may me more most my no not of on or our out
        should so some than that the their them then there these they this those to up us was we were
        what when where which who why will with would you your""".split()
    ),
    # Articles, prepositions, pronouns and the commonest verbs' forms: "¿qué son las células NK?"
    # is a search for "células NK". Typed with or without accents ("que", "qué").
    "es": frozenset(
        """a al algo algun alguna algunas alguno algunos ante antes como cómo con contra cual cuál cuales
        cuáles cuando cuándo de del desde donde dónde durante e el él ella ellas ellos en entre era es esa
        esas ese eso esos esta está estas este esto estos fue ha han hay la las le les lo los mas más me mi
        mis muy ni no nos o os otra otro para pero poco por porque que qué se sea ser si sí sin sobre son su
        sus también te tiene tienen tu tus u un una uno unos unas usted ustedes y ya yo""".split()
    ),
}
VOWELS = "aeiouáéíóú"


def language_of(locale):
    """The language code without its region: "en" for Wagtail's "en-gb" locale."""
    return locale.language_code.split("-")[0].lower()


def without_stop_words(words, language):
    """The words that say what a search is about; all of them if every one is a common word."""
    stop = STOP_WORDS.get(language, frozenset())
    kept = [word for word in words if word not in stop]
    return kept or list(words)


def stem(word, language):
    """The part of a word its other forms share, for finding it in a passage ("therapies" and
    "therapy" both become "therap"). Deliberately light: the search backend does the real
    matching; this only has to find, in a guide it already found, where the words are."""
    if language == "en" and len(word) > 4:
        for ending in ("ies", "s", "y"):
            if word.endswith(ending) and not word.endswith("ss"):
                return word[: -len(ending)]
    if language == "es" and len(word) > 4:
        # Plural, then gender: "células" and "célula" become "célul", "mayores" "mayor",
        # "médicos" and "médica" "médic".
        if word.endswith("es") and len(word) > 5 and word[-3] not in VOWELS:
            word = word[:-2]
        elif word.endswith("s"):
            word = word[:-1]
        if len(word) > 4 and word[-1] in "aeo":
            word = word[:-1]
    return word


def word_pattern(word, language):
    # A longer word may carry a short ending (cell → cells, safe → safety); a short one
    # ("nk", "age") only a plural, or "nk" would be found inside other words' starts.
    root = stem(word, language)
    return re.escape(root) + (r"\w{0,3}" if len(root) >= 4 else r"s?")


@dataclass(frozen=True)
class Concept:
    """One thing searched for: the words typed, and any other words that count for it."""

    words: tuple  # as typed, lower case
    alternatives: tuple = ()  # tuples of words a synonym adds

    @property
    def every_wording(self):
        return (self.words, *self.alternatives)


class Matcher:
    """Finds a search's concepts in text, and marks them for a reader."""

    def __init__(self, concepts, language):
        self.concepts = concepts
        self.patterns = []
        for concept in concepts:
            # Longest wording first, so "side effects" is marked whole rather than "side" alone.
            wordings = sorted(concept.every_wording, key=lambda words: -sum(map(len, words)))
            alternatives = [r"\W+".join(word_pattern(word, language) for word in words) for words in wordings]
            self.patterns.append(re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE))
        self.any_concept = (
            re.compile("|".join(f"(?:{pattern.pattern})" for pattern in self.patterns), re.IGNORECASE)
            if self.patterns
            else None
        )

    def found_in(self, text):
        """The concepts (by position) found in text."""
        return {number for number, pattern in enumerate(self.patterns) if pattern.search(text)}

    def mentions(self, text):
        """How many times each concept (by position) is found in text."""
        return [len(pattern.findall(text)) for pattern in self.patterns]

    def first_match(self, text):
        match = self.any_concept.search(text) if self.any_concept else None
        return match.start() if match else None

    def mark(self, text):
        """The text, escaped, with the words found in <mark>; words found side by side ("side
        effects") in one."""
        if self.any_concept is None:
            return escape(text)
        spans = []
        for match in self.any_concept.finditer(text):
            if spans and not text[spans[-1][1] : match.start()].strip():
                spans[-1][1] = match.end()
            else:
                spans.append([match.start(), match.end()])
        parts, last = [], 0
        for start, end in spans:
            parts += [escape(text[last:start]), f"<mark>{escape(text[start:end])}</mark>"]
            last = end
        parts.append(escape(text[last:]))
        return mark_safe("".join(parts))
