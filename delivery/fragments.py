"""What a guide page works out from its published content alone, kept so a page-cache miss skips it.

A guide's body (some 130 blocks) is most of what drawing the page costs: turning its stored JSON
into blocks, cleaning each rich text, rendering each block's template, and walking it again for
the contents list, the reading time and the FAQ's JSON-LD. All of these depend only on:

- the published revision's content: a revision is never changed once saved, so its id (with the
  time it was published) names it;
- the site's code: templates, Python and static files, hashed once when the process starts
  (delivery.cache.SITE_VERSION; a deploy changes it);
- the images the body shows: a token replaced whenever any image is saved or deleted.

They are kept under a key made of exactly those three, never under anything that can change
while the key stays the same, so no kept copy can be out of date: a publish makes a new revision
id, a deploy a new code hash, an image edit a new token. Only pages served live use it; previews
and drafts are drawn from their own content every time.

This is our own code because Wagtail's and Django's fragment caching ({% cache %}) key by names
the template chooses and expire by time, which would have to be invalidated by hand.
"""

import uuid

from django.conf import settings
from django.utils.safestring import mark_safe

from delivery.cache import SITE_VERSION, page_cache
from lmi_site.shared_cache import renewed_after_outage
from pages.images import figures_left_out
from pages.models.guide import GuideParts

# Deleted when Redis answers again after an outage, like the page generation (lmi_site/shared_cache.py).
IMAGES_TOKEN_KEY = renewed_after_outage("fragments:images-token")


def _work_out(guide):
    return guide.work_out_parts()


def guide_parts(guide, request):
    """The guide's derived parts: kept by published revision when it is served live.

    The "keep_guide_parts" Wagtail hook (delivery/wagtail_hooks.py) that GuidePage.drawn_parts asks."""
    revision_id = guide.live_revision_id
    if not revision_id or not guide.last_published_at or getattr(request, "is_preview", False):
        return _work_out(guide)
    cache = page_cache()
    try:
        images_token = cache.get(IMAGES_TOKEN_KEY)
        if images_token is None:
            images_token = replace_images_token()
        # The publish time with the id: a database restored from a backup may reuse revision ids.
        published = guide.last_published_at.timestamp()
        key = f"fragments:guide:{guide.pk}:{revision_id}:{published}:{SITE_VERSION}:{images_token}"
        parts = cache.get(key)
    except Exception:
        return _work_out(guide)  # the page cache's own handling logs an unavailable store
    if parts is None:
        left_out = figures_left_out()
        parts = _work_out(guide)
        if figures_left_out() != left_out:
            # A figure's storage failed: this drawing is neither kept here nor by the page cache.
            request.page_cache_allowed = False
            return parts
        try:
            cache.set(key, GuideParts(str(parts.body_html), *_rest(parts)), timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            pass
    return GuideParts(mark_safe(parts.body_html), *_rest(parts))


def _rest(parts):
    return parts.sections, parts.reading_time_minutes, parts.faq


def replace_images_token(**kwargs):
    token = uuid.uuid4().hex
    page_cache().set(IMAGES_TOKEN_KEY, token, timeout=None)
    return token


def connect_signals():
    from django.db.models.signals import post_delete, post_save
    from wagtail.images import get_image_model

    image_model = get_image_model()
    post_save.connect(replace_images_token, sender=image_model, dispatch_uid="fragments-image-saved")
    post_delete.connect(replace_images_token, sender=image_model, dispatch_uid="fragments-image-deleted")
