"""The site's URLs plus its uploads, served as `make run` serves them (DEBUG), for tests that fetch images.

In production the bucket serves them, or without one lmi_site/uploads.py serves the renditions (docs/deploy.md).
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from lmi_site.urls import handler500  # noqa: F401
from lmi_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *site_urlpatterns,
]
