"""What editor-entered HTML may contain when it reaches a public page.

Wagtail's editor keeps to the features a field offers when staff save, but a rich text value
can also arrive another way (a seed file, an import, an old revision, a direct save). So every
rich text is cleaned again as it is rendered: anything the editor could not have made goes.
"""

import html
import re

import nh3
from django.utils.safestring import mark_safe
from wagtail.rich_text import RichText, expand_db_html

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


def stored_html(value):
    """The stored HTML of a rich text value, whether a RichText (StreamField) or a string (RichTextField)."""
    return value.source if isinstance(value, RichText) else str(value or "")


# Stored rich text is the editor's markup: paragraphs, line breaks, emphasis and links.
_BREAK = re.compile(r"</p\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain_text(value):
    """Rich text (RichText or its stored HTML) as the words a reader sees, one space between paragraphs.

    Tags are removed with a pattern rather than Django's strip_tags, whose HTML parser made
    this a tenth of the cost of rendering a guide; stored rich text is well-formed, and any
    stray "<" in the words is stored as "&lt;", so nothing of the text is lost.
    """
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", stored_html(value)))).split())


def render_rich_text(value):
    """A rich text value (RichText or its stored HTML) as safe HTML for a public page."""
    # Expanded directly, not through Wagtail's |richtext: that renders a one-line template
    # ("{{ html|safe }}") for every paragraph, a third of the cost of a guide's rich text.
    return mark_safe(clean_html(expand_db_html(stored_html(value))))


def is_safe_link_url(url):
    """True for an address a public link may point at: a web, mail or phone address, or a path on this site."""
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//"):
        return True
    scheme, separator, _ = url.partition(":")
    return bool(separator) and scheme.lower() in ALLOWED_URL_SCHEMES
