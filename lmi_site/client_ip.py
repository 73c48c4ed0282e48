"""Who sent a request: the address the sign-in lock-out counts failures against.

X-Forwarded-For is only as honest as whoever wrote it: a visitor can send any value, and each
proxy appends the address it received the request from. So the header is read only when
settings.TRUSTED_PROXY_COUNT says how many of the clinic's own proxies stand in front, and then
only the entry the outermost of them appended; everything to its left is the visitor's to forge.
With no trusted proxies the connecting address is the visitor's own.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through every proxy (a health check, a request from inside): the connection's own address.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
