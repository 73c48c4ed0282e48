"""The page's language, and the way to the same page in the other language, for every template.

The language is the address's (lmi_site/language.py). Nothing here reads the database except
other_language on a view that is not a page, where it asks for the other language's home page
(kept until content changes); error pages use page_language only.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from wagtail.models import Site

from lmi_site.language import page_language_tag
from pages.models.base import hreflang, translations_of

register = template.Library()


@register.simple_tag
def page_language():
    """<html lang>: en-US or es-MX."""
    return page_language_tag()


@register.simple_tag
def og_locale():
    """Open Graph's spelling of the page's language: en_US or es_MX."""
    return page_language_tag().replace("-", "_")


@register.simple_tag(takes_context=True)
def other_language(context):
    """Where the language link goes: {code, hreflang, lang, name (in that language), url, missing}.

    The same page in the other language when it is published there; otherwise the other
    language's home page, with missing True for a page not yet in that language, so the link can
    say so. None when there is nowhere to go (no home page in that language)."""
    request = context.get("request")
    if request is None:
        return None
    current = get_language()
    other = next((code for code, _name in settings.LANGUAGES if code != current), None)
    if other is None:
        return None
    url = (context.get("translations") or {}).get(other)
    # A page not yet in the other language says so; a view that is not a page (search, a page
    # not found) has no version of its own there, and simply leads to that language's home page.
    missing = not url and "home_translations" in context
    if missing:
        url = context["home_translations"].get(other)
    elif not url:
        site = Site.find_for_request(request)
        url = (
            translations_of([site.root_page], request)[str(site.root_page.translation_key)].get(other) if site else None
        )
    if not url:
        return None
    # The language's own name for itself: "English", "Español" on a link; "español" in a sentence.
    info = get_language_info(hreflang(other))
    return {
        "code": other,
        "hreflang": hreflang(other),
        "lang": page_language_tag(other),
        "name": dict(settings.LANGUAGES)[other],
        "name_in_sentence": info["name_local"],
        "url": url,
        "missing": missing,
    }


@register.simple_tag
def english_text_attribute():
    """The attribute lang="en-US" on a page in another language, for the clinic's own texts (ClinicSettings),
    which are kept in English only: a screen reader then reads them as English, and the page never
    presents English as its own language. Nothing on an English page."""
    if get_language() == settings.LANGUAGE_CODE:
        return ""
    return format_html(' lang="{}"', page_language_tag(settings.LANGUAGE_CODE))
