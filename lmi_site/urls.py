import os

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from delivery.views import health
from lmi_site import uploads
from lmi_site import views as site_views
from pages import views
from pages.sitemaps import SiteSitemap
from searches.views import search

# The 500 page never touches the database; the 404 page uses Django's default view and templates/404.html.
handler500 = "lmi_site.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": SiteSitemap}}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", health, name="health"),
    path("favicon.ico", site_views.favicon, name="favicon"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage":
    # Production without a bucket: the pictures pages show come from this disk (lmi_site/uploads.py).
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", uploads.serve_rendition)]

if os.environ.get("BENCHMARK_REFERENCE_VIEW") == "on":
    # The benchmark's yardstick (benchmarks/bench.py): the least a request through this site's
    # middleware can cost. It exists only while the benchmark sets the variable.
    urlpatterns += [path("benchmark-reference/", lambda request: HttpResponse("ok", content_type="text/plain"))]

# Wagtail's page serving catches everything else, so it comes last. English pages keep their
# addresses; the same patterns under /es/ serve the Spanish pages (lmi_site/language.py activates
# the language from the address, so no browser setting or cookie changes what an address shows).
urlpatterns += i18n_patterns(
    path("search/", search, name="search"),
    path("feedback/", include("feedback.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
