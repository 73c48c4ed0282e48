"""What goes on the wire for a page every reader shares: compressed bodies, validators, Cache-Control.

Compression: brotli for browsers that accept it (every current one), gzip for the rest, the plain
bytes otherwise. A page is compressed once when it is stored in the page cache, so a cache hit
costs no compression. Brotli's best quality (11) makes the guide about a fifth smaller than gzip
but takes tens of milliseconds, so a miss compresses at a fast quality for the reader who is
waiting and the page is compressed again at the best quality after that response has been sent
(`upgrade`), replacing the stored copy.

Only what is the same for every reader is compressed: no session cookie, no CSRF token (a page
that used one sets a cookie and is never stored). With no secret in the body, compression cannot
leak one (BREACH); tests/test_http_caching.py keeps it so.

Validators: each stored body has a strong ETag, a hash of the exact bytes sent, so a conditional
GET is answered 304 from the page cache without rendering.
"""

import gzip
import hashlib
from dataclasses import dataclass, field

import brotli
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import parse_etags

# Fast enough for the reader waiting on a miss (about 2 ms for the guide), and the best quality
# for what every later reader gets.
FAST_BROTLI_QUALITY = 5
BEST_BROTLI_QUALITY = 11
GZIP_LEVEL = 9
# How long a shared cache may keep a page compressed at the fast quality (see `upgraded`).
FAST_COPY_SHARED_SECONDS = 2
COMPRESSIBLE_TYPES = ("text/", "application/xml", "application/json", "application/ld+json", "image/svg+xml")
# Below this, the headers cost more than compression saves.
MIN_COMPRESS_BYTES = 256


def accepted_encoding(request):
    """'br', 'gzip' or None (the plain bytes), from the Accept-Encoding header's q-values."""
    accepted = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip().replace(" ", "")
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0  # a malformed weight is not a yes
        accepted[name.strip().lower()] = quality
    for encoding in ("br", "gzip"):
        if accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return None


def _etag(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass
class Representations:
    """One page's bytes for each encoding, with their ETags; what the page cache stores."""

    headers: list
    bodies: dict = field(default_factory=dict)  # encoding (None for the plain bytes) -> bytes
    etags: dict = field(default_factory=dict)
    # True while brotli is at the fast quality and a better copy is on its way (`upgraded`).
    upgrading: bool = False

    @classmethod
    def of(cls, response, headers, encodings=("gzip", "br"), upgrading=False):
        plain = response.content
        page = cls(headers=headers, upgrading=upgrading and "br" in encodings)
        page._add(None, plain)
        if _compressible(response) and len(plain) >= MIN_COMPRESS_BYTES:
            if "gzip" in encodings:
                page._add("gzip", gzip.compress(plain, GZIP_LEVEL, mtime=0))
            if "br" in encodings:
                page._add("br", brotli.compress(plain, quality=FAST_BROTLI_QUALITY, mode=brotli.MODE_TEXT))
        return page

    def upgraded(self):
        """The same page with brotli at its best quality, or None if there is nothing to improve."""
        if not self.upgrading:
            return None
        page = Representations(headers=self.headers, bodies=dict(self.bodies), etags=dict(self.etags))
        best = brotli.compress(self.bodies[None], quality=BEST_BROTLI_QUALITY, mode=brotli.MODE_TEXT)
        if best != self.bodies["br"]:
            page._add("br", best)
        return page

    def _add(self, encoding, body):
        self.bodies[encoding] = body
        self.etags[encoding] = _etag(body)

    def response_for(self, request):
        """The response for this reader: their encoding, or 304 if they hold these bytes already."""
        encoding = accepted_encoding(request)
        if encoding not in self.bodies:
            encoding = None
        etag = self.etags[encoding]
        if _etag_matches(request, etag):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(self.bodies[encoding], headers=self.headers)
            response["Content-Length"] = str(len(self.bodies[encoding]))
            if encoding:
                response["Content-Encoding"] = encoding
        response["ETag"] = etag
        # A shared cache keeps the fast copy only briefly, then takes the best one from us.
        make_public(response, FAST_COPY_SHARED_SECONDS if self.upgrading and encoding == "br" else None)
        if _compressible_type(self.headers):
            patch_vary_headers(response, ["Accept-Encoding"])
        return response


def _etag_matches(request, etag):
    wanted = request.META.get("HTTP_IF_NONE_MATCH")
    if not wanted:
        return False
    tags = parse_etags(wanted)
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _compressible(response):
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return not response.has_header("Content-Encoding") and content_type.startswith(COMPRESSIBLE_TYPES)


def _compressible_type(headers):
    """Whether what these headers describe is ever compressed, so varies with Accept-Encoding."""
    content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    return content_type.split(";")[0].strip().lower().startswith(COMPRESSIBLE_TYPES)


def make_public(response, shared_seconds=None):
    """Browsers revalidate every time (max-age=0, with the ETag that costs a 304); a shared cache
    such as Varnish may keep the page for PUBLIC_PAGE_SHARED_CACHE_SECONDS between purges."""
    shared_seconds = settings.PUBLIC_PAGE_SHARED_CACHE_SECONDS if shared_seconds is None else shared_seconds
    response["Cache-Control"] = f"public, max-age=0, s-maxage={shared_seconds}"


def make_private(response):
    """Logged-in, previewing or posting: nothing may keep it, not the browser's cache nor a proxy."""
    add_never_cache_headers(response)  # private, no-cache, no-store, must-revalidate, max-age=0


def compress(request, response):
    """Compress a response that is not stored (search results, error pages) for this reader alone."""
    encoding = accepted_encoding(request)
    if not encoding or response.streaming or not _compressible(response) or len(response.content) < MIN_COMPRESS_BYTES:
        return response
    if encoding == "br":
        response.content = brotli.compress(response.content, quality=FAST_BROTLI_QUALITY, mode=brotli.MODE_TEXT)
    else:
        response.content = gzip.compress(response.content, GZIP_LEVEL, mtime=0)
    response["Content-Encoding"] = encoding
    response["Content-Length"] = str(len(response.content))
    if response.has_header("ETag"):
        del response["ETag"]  # it named the plain bytes
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
