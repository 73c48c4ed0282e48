from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index


def display_name(user):
    """How a staff member is named to other staff: their full name, else their username."""
    return user.get_full_name() or user.get_username()


class Person(RevisionMixin, index.Indexed, models.Model):
    """An author or medical reviewer, kept once and chosen on each guide.

    No drafts: a change to a person (a new title, a reviewer's account linked) is meant to take
    effect when staff press Save, as they expect. Revisions keep the history of changes.
    """

    name = models.CharField(max_length=200, help_text="As patients should see it, e.g. “Dr. Félix Porras”.")
    credentials = models.CharField(max_length=100, blank=True, help_text="Degrees after the name, e.g. “MD”.")
    role = models.CharField(max_length=200, help_text="Job title and organisation.")
    short_bio = models.TextField(max_length=600, help_text="One or two sentences.")
    # "Mark as reviewed" stamps the reviewer's own record, found through their login.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name="admin account",
        help_text="The account this person signs in with; review reminders go to its email address.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("role"),
        FieldPanel("short_bio"),
        FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name_with_credentials

    @property
    def name_with_credentials(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name
