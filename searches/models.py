import re

from django.core.exceptions import ValidationError
from django.db import models


class SearchWithoutResults(models.Model):
    """How many times a day a term found no guide.

    Wagtail's search promotions keep how often each term was searched (Query, QueryDailyHits);
    they do not keep whether it found anything, which is what tells the clinic what patients
    look for and do not find. Like Wagtail's, it holds the term and a count, never who searched.
    """

    query = models.ForeignKey(
        "wagtailsearchpromotions.Query", on_delete=models.CASCADE, related_name="days_without_results"
    )
    # The language searched in (/search/ or /es/search/): "cancer" found nothing in Spanish says
    # something else than in English.
    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.PROTECT, related_name="+", verbose_name="language"
    )
    date = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "search without results"
        verbose_name_plural = "searches without results"
        constraints = [
            models.UniqueConstraint(fields=["query", "locale", "date"], name="one_count_per_term_language_and_day")
        ]

    def __str__(self):
        return f"{self.query} on {self.date}: {self.hits}"


class SearchCount(models.Model):
    """How many times a day a term was searched for in one language.

    Wagtail's QueryDailyHits (kept too: its promotions and reports read it) counts a term over
    every language; the clinic's report tells the languages apart. A term and a count, never
    who searched.
    """

    query = models.ForeignKey("wagtailsearchpromotions.Query", on_delete=models.CASCADE, related_name="+")
    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.PROTECT, related_name="+", verbose_name="language"
    )
    date = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "search count"
        constraints = [
            models.UniqueConstraint(
                fields=["query", "locale", "date"], name="one_search_count_per_term_language_and_day"
            )
        ]

    def __str__(self):
        return f"{self.query} on {self.date}: {self.hits}"


def words_of(text):
    """The words in `text`, lower case, as search compares them: letters and digits, nothing else."""
    return re.findall(r"\w+", text.lower())


class Synonym(models.Model):
    """Patients' words for what the guides call by another name: a search for the patients' words
    also finds the guides' words ("price" also finds "cost"). One way only, and one step: "cost"
    does not find "price" unless staff add that too.

    Each synonym has a language: words mean what they mean in one language, so each language
    the site has keeps its own (today English only).
    """

    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.PROTECT, related_name="+", verbose_name="language"
    )
    term = models.CharField(
        "patients' words",
        max_length=200,
        help_text="What patients type, e.g. “price” or “side effects”.",
    )
    means = models.CharField(
        "the guides' words",
        max_length=100,
        help_text="What the guides say instead, e.g. “cost” or “safety”. A search for the patients' words also finds these.",
    )

    class Meta:
        verbose_name = "search synonym"
        verbose_name_plural = "search synonyms"
        ordering = ["locale", "term", "means"]
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "term", "means"],
                name="one_synonym_per_meaning",
                violation_error_message="This synonym is already there.",
            )
        ]

    def __str__(self):
        return f"“{self.term}” also finds “{self.means}”"

    def clean(self):
        # Kept as search compares them, so "Price!" and "price" are one synonym.
        self.term = " ".join(words_of(self.term or ""))
        self.means = " ".join(words_of(self.means or ""))
        errors = {}
        if not self.term:
            errors["term"] = "Type the words patients use: letters or numbers, not only punctuation."
        if not self.means:
            errors["means"] = "Type the words the guides use: letters or numbers, not only punctuation."
        if not errors and self.term == self.means:
            errors["means"] = "These are the patients' words again: give the other words the guides use."
        if errors:
            raise ValidationError(errors)
