"""The published guides' words, by section: the passage each result shows, the order of results, and
the vocabulary "Did you mean" draws on (searches/spelling.py).

The search backend decides which guides match; it cannot say where in a guide the words are, nor
tell a section *about* a term from one that names it in passing. So each matching guide's sections
are weighed here, in this order:

1. how many of the search's concepts the section has at all (heading or text);
2. how many are in its heading (the section is about them), or in a question it answers;
3. how many are in its opening paragraph (where a section says what it is about);
4. how often they are mentioned (each concept counted at most three times).

A guide ranks by its best section, and shows that section's best sentence with a link to it. For
"side effects" the seeded guide's "Ensuring Safety, Quality, and Choosing a Clinic" opens with them,
where "Leveraging Your Body's Innate Design" mentions them further down; with the synonym "side
effects" → "safety" its heading says so too.

The words of every published guide are worked out once and kept until the content next changes
(lmi_site/keeping.py), so a search costs no guide's body being read, and a guide published,
changed or withdrawn is searched as it now is.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.text import slugify

from lmi_site.keeping import until_content_changes
from pages.blocks import section_anchor
from pages.models import GuidePage
from pages.rich_text import plain_text
from searches.models import words_of

# Passages longer than this are cut around the first word found, at spaces.
PASSAGE_CHARACTERS = 300
MENTIONS_COUNTED = 3


@dataclass(frozen=True)
class Part:
    """The introduction, a section, a subsection or a question and its answer, as search reads it."""

    heading: str  # what it is about: a heading, a question, or for the introduction the guide's title
    anchor: str  # the id to link to; "" for the introduction, at the top of the guide
    sentences: tuple
    opening: int  # how many of the sentences are its first paragraph (or list, table, answer)
    shown_heading: str  # the heading of the place linked to ("" for the introduction)


@dataclass(frozen=True)
class PublishedTexts:
    parts: dict  # guide id: [Part, ...]
    vocabulary: dict  # word: how many times the guides use it


def sentences_in(texts):
    sentences = []
    for text in texts:
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(str(text).split())) if s]
    return sentences


def parts_in(heading, anchor, content):
    """A section's or subsection's own part, then one for each question in it: a question is
    what its answer is about, so it weighs as a heading does. Answers have no anchor of their
    own; they link to the section they are in."""
    texts, questions = [], []
    for child in content:
        if child.block_type == "faq_item":
            answer = sentences_in([plain_text(child.value["answer"])])
            questions.append(Part(child.value["question"], anchor, tuple(answer), len(answer), heading))
        else:
            texts.append(child.block.get_searchable_content(child.value))
    opening = len(sentences_in(texts[0])) if texts else 0
    own = Part(heading, anchor, tuple(sentences_in(text for block in texts for text in block)), opening, heading)
    return [own, *questions]


def parts_of(guide):
    """The guide's introduction, then each section and subsection, in reading order."""
    introduction = sentences_in([plain_text(guide.introduction)])
    parts = [Part(guide.title, "", tuple(introduction), len(introduction), "")]
    for section in guide.body:
        anchor = section_anchor(section.value)
        parts += parts_in(section.value["heading"], anchor, section.value["content"])
        for subsection in section.value["subsections"]:
            # As templates/blocks/subsection_block.html makes a subsection's id.
            sub_anchor = slugify(f"{anchor}-{subsection['heading']}")
            parts += parts_in(subsection["heading"], sub_anchor, subsection["content"])
    return parts


def published_texts(locale):
    """Every live, public guide's parts in one language, and the words they use; kept until the
    content next changes."""
    return until_content_changes(f"search-texts:{locale.language_code}", lambda: work_out_texts(locale))


def work_out_texts(locale):
    parts, vocabulary = {}, Counter()
    for guide in GuidePage.objects.live().public().filter(locale=locale):
        parts[guide.pk] = guide_parts = parts_of(guide)
        texts = [guide.summary] + [p.heading for p in guide_parts] + [s for p in guide_parts for s in p.sentences]
        for text in texts:
            vocabulary.update(words_of(text))
    return PublishedTexts(parts, dict(vocabulary))


@dataclass(frozen=True)
class Passage:
    heading: str  # "" when the passage is from the introduction
    anchor: str
    text: str


def weigh(part, matcher):
    """How well a part answers the search, as the module's docstring orders it."""
    in_heading = matcher.found_in(part.heading)
    found, opening = set(in_heading), set()
    mentions = [0] * len(matcher.concepts)
    for number, sentence in enumerate(part.sentences):
        here = matcher.found_in(sentence)
        if not here:
            continue
        found |= here
        if number < part.opening:
            opening |= here
        mentions = [a + b for a, b in zip(mentions, matcher.mentions(sentence), strict=True)]
    return (len(found), len(in_heading), len(opening), sum(min(m, MENTIONS_COUNTED) for m in mentions))


def best_sentence(part, matcher):
    best, best_weight = part.sentences[0] if part.sentences else "", (0, 0)
    for sentence in part.sentences:
        weight = (len(matcher.found_in(sentence)), sum(matcher.mentions(sentence)))
        if weight > best_weight:
            best, best_weight = sentence, weight
    return best


def shortened(text, matcher):
    """The text, or as much of it around its first found word as a passage shows, cut at spaces."""
    if len(text) <= PASSAGE_CHARACTERS:
        return text
    first = matcher.first_match(text) or 0
    start = max(0, first - PASSAGE_CHARACTERS // 3)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else first
    end = min(len(text), start + PASSAGE_CHARACTERS)
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space != -1 else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def best_passage(parts, matcher):
    """(weight, Passage) of the part that answers the search best; the first of equals."""
    best_part, best_weight = None, None
    for part in parts:
        weight = weigh(part, matcher)
        if best_weight is None or weight > best_weight:
            best_part, best_weight = part, weight
    if best_part is None:
        return (0, 0, 0, 0), None
    sentence = shortened(best_sentence(best_part, matcher), matcher)
    return best_weight, Passage(best_part.shown_heading, best_part.anchor, sentence)


def ranked(guides, texts, matcher):
    """(guide, Passage) for each guide, the best answers first; the search backend's order
    among equals."""
    weighed = []
    for guide in guides:
        parts = texts.parts.get(guide.pk)
        if parts is None:  # not among the kept texts (another language, or just published): read it now
            parts = parts_of(guide)
        weight, passage = best_passage(parts, matcher)
        weighed.append((weight, guide, passage))
    weighed.sort(key=lambda item: item[0], reverse=True)  # stable: equals keep the backend's order
    return [(guide, passage) for _, guide, passage in weighed]
