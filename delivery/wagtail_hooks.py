"""How the delivery app attaches to the content apps: Wagtail hooks they call without importing it."""

from wagtail import hooks

from delivery.cache import cached_until_content_changes, mark_servable
from delivery.fragments import guide_parts
from lmi_site.keeping import KEEP_HOOK
from pages.models.guide import KEEP_PARTS_HOOK

# Marks the pages Wagtail serves to readers, the only responses the page cache may store.
# A high order puts it innermost, after Wagtail's own view-restriction check has passed.
hooks.register("on_serve_page", mark_servable, order=100)

# Lookups many pages share (the site, each level's child page, settings, the site frame), kept in
# the page cache until the next content change (lmi_site/keeping.py).
hooks.register(KEEP_HOOK, cached_until_content_changes)

# A guide's drawn body and what is worked out from it, kept by published revision (fragments.py).
hooks.register(KEEP_PARTS_HOOK, guide_parts)
