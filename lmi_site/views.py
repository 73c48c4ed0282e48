"""Error pages that must work when nothing else does (the health check is the delivery app's)."""

from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.template.loader import render_to_string
from django.templatetags.static import static

# Long enough for PostgreSQL to restart; browsers and crawlers wait this long before retrying.
RETRY_AFTER_SECONDS = 30


def database_unavailable(request):
    """503 while the database is away. Rendered without a request, so no context processor can query it."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """handler500: the same calm page whatever went wrong, with nothing from the error in it."""
    return HttpResponseServerError(render_to_string("500.html"))


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever a page links: the site's own icon."""
    return HttpResponsePermanentRedirect(static("icons/favicon.ico"))
