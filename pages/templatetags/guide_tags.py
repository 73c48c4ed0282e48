import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape
from django.utils.safestring import mark_safe

from pages.models import GuideIndexPage

register = template.Library()

# As Django's json_script: these can never close the <script> element or start markup.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


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


@register.simple_tag
def json_ld(data):
    """One <script type="application/ld+json"> per schema.org object."""
    scripts = []
    for item in data:
        text = json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
        scripts.append(f'<script type="application/ld+json">{text}</script>')
    return mark_safe("\n".join(scripts))


@register.filter
def highlight(text, words):
    """The text, escaped, with each searched-for word marked."""
    terms = sorted({word for word in words if len(word) > 1}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[last : match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))
