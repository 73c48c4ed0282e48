"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from lmi_site.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a deliberate failure for the 500 page test: SECRET_KEY settings SELECT")


urlpatterns = [path("deliberate-failure/", fail)] + site_urlpatterns
handler500 = "lmi_site.views.server_error"
