"""What editor-entered HTML may contain when it reaches a public page.

Wagtail's editor keeps to the features a field offers when staff save, but a rich text value
can also arrive another way (a seed file, an import, an old revision, a direct save). So every
rich text is cleaned again as it is rendered: anything the editor could not have made goes.
"""

import nh3
from django.utils.safestring import mark_safe
from wagtail.templatetags.wagtailcore_tags import richtext

# The markup of PARAGRAPH_FEATURES (bold, italic, link), after Wagtail expands its internal links.
ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )


def render_rich_text(value):
    """A rich text value (RichText or its stored HTML) as safe HTML for a public page."""
    return mark_safe(clean_html(str(richtext(value))))


def is_safe_link_url(url):
    """True for an address a public link may point at: a web, mail or phone address, or a path on this site."""
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//"):
        return True
    scheme, separator, _ = url.partition(":")
    return bool(separator) and scheme.lower() in ALLOWED_URL_SCHEMES
