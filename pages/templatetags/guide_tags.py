from django import template

from pages.models import GuideIndexPage

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
