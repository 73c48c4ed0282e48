"""Pictures kept on this server's disk (MEDIA_ROOT), served by the app when no bucket is named.

The clinic's deployment has no web server of its own in front of gunicorn (Varnish, if any, is a
cache), so without this a figure's picture would be a broken image in production. Only
renditions are served (`images/`): they are what pages show, and they carry no EXIF/GPS
(pages/images.py), while an original upload may. Documents go through Wagtail's own view, which
checks their collection's privacy. Django's `serve` refuses paths outside MEDIA_ROOT and lists no
folders; it answers If-Modified-Since.
"""

from django.conf import settings
from django.http import Http404
from django.views.static import serve

RENDITIONS = "images/"


def serve_rendition(request, path):
    if not path.startswith(RENDITIONS) or "/" in path[len(RENDITIONS) :]:
        raise Http404("Only pictures drawn for pages are served from here.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # A rendition is never changed in place (a new crop or upload makes a new file), so browsers
    # keep it a day; a shared cache rechecks as often as it does pages, so a deleted picture goes soon.
    response["Cache-Control"] = f"public, max-age=86400, s-maxage={settings.PUBLIC_PAGE_SHARED_CACHE_SECONDS}"
    return response
