from django.db import models
from django.utils import timezone

# A few hundred characters: enough to say what was unclear, too little for a case history.
COMMENT_MAX_LENGTH = 500


class GuideFeedback(models.Model):
    """One patient's answer. Deliberately nothing about who sent it: no address, cookie,
    browser or account, so it cannot be traced back to a person."""

    guide = models.ForeignKey("pages.GuidePage", on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH, verbose_name="what could be better")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "patient feedback"
        verbose_name_plural = "patient feedback"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{'Helpful' if self.helpful else 'Not helpful'}: {self.guide_id}"
