"""Error pages that must work when nothing else does: no database, no request context."""

from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

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
