"""Purging the caching proxy without ever holding up a Publish.

Wagtail's HTTPBackend sends each PURGE with urllib's urlopen and no time limit, one page after
another, inside the editor's Publish request: a proxy that accepts the connection and never
answers would hang the Publish for good. This backend sends the same PURGE requests with a time
limit, and once the proxy has failed to answer it stops for that batch (one logged error, not one
per page), since every further page would wait out the same limit. What is not purged expires
from the proxy within PUBLIC_PAGE_SHARED_CACHE_SECONDS.
"""

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from wagtail import __version__
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest

logger = logging.getLogger("wagtail.frontendcache")


class ProxyNotAnswering(Exception):
    pass


class TimeLimitedHTTPBackend(HTTPBackend):
    def _send(self, url):
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, parts.fragment]),
            headers={"Host": host, "User-Agent": "Wagtail-frontendcache/" + __version__},
        )
        try:
            urlopen(request, timeout=settings.FRONTEND_CACHE_PURGE_TIMEOUT_SECONDS).close()  # noqa: S310 - our LOCATION
        except HTTPError as error:
            logger.error("Couldn't purge '%s' from HTTP cache. HTTPError: %d %s", url, error.code, error.reason)
        except (URLError, OSError) as error:  # refused, unreachable, or no answer within the limit
            raise ProxyNotAnswering(getattr(error, "reason", error)) from error

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        urls = list(urls)
        for done, url in enumerate(urls):
            try:
                self._send(url)
            except ProxyNotAnswering as error:
                logger.error(
                    "The caching proxy %s did not answer (%s); %d of %d pages were not purged and expire "
                    "from it within PUBLIC_PAGE_SHARED_CACHE_SECONDS",
                    self.cache_netloc,
                    error,
                    len(urls) - done,
                    len(urls),
                )
                return
