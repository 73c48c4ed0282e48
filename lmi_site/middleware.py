"""Site-wide middleware: the security policy per part of the site, and calm answers when the database is away."""

import logging

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.db import InterfaceError, OperationalError

from lmi_site.views import database_unavailable

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own looser policy under ADMIN_URL_PREFIX.

    Wagtail draws a preview by sending a made-up request for the page's public address through
    this middleware (Page.make_preview_request marks it `is_dummy`). That page is shown inside
    the admin's preview panel, so it gets the public policy except that the admin may frame it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            if request.path_info.startswith(settings.ADMIN_URL_PREFIX):
                parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
            elif getattr(request, "is_dummy", False):
                parts.config = default_config(settings.PREVIEW_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 with a calm page instead of an error.

    Nothing is cached: once the database answers again, the next request is served as usual
    (CONN_HEALTH_CHECKS drops a persistent connection that died meanwhile).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("The database is unavailable; answered %s with 503: %s", request.path, exception)
            return database_unavailable(request)
        return None
