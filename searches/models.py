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
    date = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "search without results"
        verbose_name_plural = "searches without results"
        constraints = [models.UniqueConstraint(fields=["query", "date"], name="one_count_per_term_and_day")]

    def __str__(self):
        return f"{self.query} on {self.date}: {self.hits}"
