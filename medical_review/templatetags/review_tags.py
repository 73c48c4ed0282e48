"""What the admin's review screens add for a guide's first version."""

from django import template
from django.urls import reverse
from wagtail.models import Page

from pages.models import GuidePage

register = template.Library()


@register.simple_tag
def first_version_preview_url(obj):
    """The whole draft's address when `obj` is a guide never published, else "".

    Such a guide has no earlier version a reviewer could compare with (its earlier revisions are
    drafts saved while it was written), so the reviewer reads all of it instead.
    """
    if isinstance(obj, Page):
        obj = obj.specific_deferred  # the workflow views hand over the plain Page
    if isinstance(obj, GuidePage) and obj.first_published_at is None and obj.live_revision_id is None:
        return reverse("wagtailadmin_pages:view_draft", args=[obj.pk])
    return ""
