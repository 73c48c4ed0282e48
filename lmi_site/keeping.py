"""Where a content app asks for a lookup many pages share to be kept, without knowing who keeps it.

The delivery app keeps such lookups in the page cache until the next content change, through the
Wagtail hook "keep_until_content_changes" (delivery/wagtail_hooks.py); the content apps call
`until_content_changes` and never import it. With no such hook, each lookup is made every time:
slower, never wrong.
"""

from django.utils.translation import get_language
from wagtail import hooks

KEEP_HOOK = "keep_until_content_changes"


def until_content_changes(key, compute):
    """compute(), or what a keeper remembers of it under key until the next content change."""
    for keep in hooks.get_hooks(KEEP_HOOK):
        return keep(key, compute)
    return compute()


def per_site_for_request(request, name, compute):
    """compute(request), kept on the request and, for the request's host and language, until the
    next content change: for what the header and footer of every page show. Without a request, computed."""
    if request is None:
        return compute(None)
    attribute = f"_kept_{name.replace('-', '_')}"
    kept = getattr(request, attribute, None)
    if kept is None:
        kept = until_content_changes(f"{name}:{request.get_host()}:{get_language()}", lambda: compute(request))
        setattr(request, attribute, kept)
    return kept
