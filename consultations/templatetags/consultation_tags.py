import re

import nh3
from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

from pages.models import GuidePage
from pages.rich_text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, stored_html

from ..frame import site_frame as _site_frame

register = template.Library()


@register.simple_tag(takes_context=True)
def site_frame(context):
    """Links and contact details for the header and footer (consultations/frame.py)."""
    return _site_frame(context.get("request"))


@register.simple_tag(takes_context=True)
def consultation_url(context):
    """The consultation form's address. From a guide it names the guide by its number, in every way
    to the form (header, the guide's card, its disclaimer, footer): the form then chooses that guide's
    treatment, and the request records the guide it came from (consultations/views.py)."""
    url = _site_frame(context.get("request"))["consultation_url"]
    page = context.get("page")
    if url and isinstance(page, GuidePage) and page.pk:
        url += f"?guide={page.pk}"
    return url


@register.filter
def privacy_richtext(value):
    """The privacy notice's rich text, cleaned as pages.rich_text cleans a guide's, with headings and lists too."""
    return mark_safe(
        nh3.clean(
            expand_db_html(stored_html(value)),
            tags=ALLOWED_TAGS | {"h2", "h3", "ul", "ol", "li"},
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel=None,
        )
    )


@register.simple_tag
def form_input(field, classname=""):
    """The field's input, pointing to its hint and its error (GOV.UK's pattern) for screen readers."""
    described_by = [f"{field.auto_id}-hint"] if field.help_text else []
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {"class": classname} if classname else {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def first_input_id(field):
    """Where the error summary's link for this field goes: the input, or a group's first option."""
    radio = getattr(field.field.widget, "input_type", "") == "radio"
    return f"{field.auto_id}_0" if radio else field.auto_id


CONSULTATION_WORDS = re.compile(r"schedul(?:e|ing) a consultation", re.IGNORECASE)


@register.filter
def link_consultation_words(text, url):
    """The text, escaped, with its words "schedule a consultation" (if any) as a link to the form.

    The clinic's words stay exactly as written; only the first mention becomes a link.
    """
    text = str(text or "")
    match = CONSULTATION_WORDS.search(text) if url else None
    if match is None:
        return escape(text)
    link = format_html('<a href="{}">{}</a>', url, match.group(0))
    return mark_safe(escape(text[: match.start()]) + link + escape(text[match.end() :]))
