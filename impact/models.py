"""What is kept of guides' readers: one row of totals per guide and day, never a reader.

Who read (an address, a browser, a cookie) is never written anywhere: counting.py tells readers
apart for one day in the cache only, and adds to these totals.
"""

from django.db import models


class DailyFigures(models.Model):
    """How a guide was read on one of the clinic's days (America/Mazatlan): totals only."""

    guide = models.ForeignKey("pages.GuidePage", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    views = models.PositiveIntegerField(default=0, help_text="Each time the guide was shown to a reader.")
    readers = models.PositiveIntegerField(
        default=0, help_text="Different readers that day: the same browser on the same connection counts once."
    )
    reached_end = models.PositiveIntegerField(
        "reached the end",
        default=0,
        help_text="Readers that day who scrolled to the end of the guide's sections (counted with JavaScript only).",
    )

    class Meta:
        verbose_name = "daily figures of a guide"
        verbose_name_plural = "daily figures of guides"
        # Seeing them is all anyone does with them; they are written by counting alone.
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["guide", "date"], name="one_row_per_guide_and_day")]
        ordering = ["-date"]

    def __str__(self):
        return f"Guide {self.guide_id} on {self.date}: {self.views} views"
