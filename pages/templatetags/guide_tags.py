from django import template

from pages.models import GuideIndexPage
from pages.rich_text import is_safe_link_url, render_rich_text

register = template.Library()


@register.simple_tag(takes_context=True)
def guide_index_url(context):
    """The address of the list of all guides, looked up once per request."""
    request = context.get("request")
    cached = getattr(request, "_guide_index_url", None)
    if cached is None:
        index = GuideIndexPage.objects.live().public().first()
        cached = index.get_url(request) if index else ""
        if request is not None:
            request._guide_index_url = cached
    return cached


@register.filter
def clean_richtext(value):
    """Wagtail's |richtext, keeping only the markup the editor offers (see pages.rich_text)."""
    return render_rich_text(value)


@register.filter
def safe_link_url(url):
    """The address if a link may point there, else "" so the template shows words without a link."""
    return url if is_safe_link_url(url) else ""
