"""Which language a request is in: from its address, and nothing else.

English pages keep the addresses they always had; Spanish ones live under /es/. Django's
LocaleMiddleware is not used as it is: it also reads the browser's Accept-Language and a
language cookie, redirects, and adds `Vary: Accept-Language` (and `Vary: Cookie`) to every
response, which would keep pages out of the page cache and Varnish and could show one reader the
language another reader's browser asked for. Here the address alone decides, so every address
is one page that any cache may keep.
"""

from django.conf import settings
from django.utils import translation

SPANISH = "es"


def language_for_path(path):
    """The language code of the site's pages at this path: Spanish under /es/, else English."""
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE and (path == f"/{code}" or path.startswith(f"/{code}/")):
            return code
    return settings.LANGUAGE_CODE


def page_language_tag(language_code=None):
    """What a page declares as its language (<html lang>, inLanguage): en-US or es-MX."""
    code = language_code or translation.get_language() or settings.LANGUAGE_CODE
    return settings.PAGE_LANGUAGE_TAGS.get(code, code)


class LanguageFromPathMiddleware:
    """Activates the address's language for the request, and only for the request: a thread
    serves the next request in its own language, whatever the last one was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_path(request.path_info)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            return self.get_response(request)
