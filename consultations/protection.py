"""Keeping automated junk out of the coordinators' inbox without any third-party service.

No CAPTCHA (it would send patients' browsers to another site and shut out some disabled
people). Instead, together:
- a honeypot field that people never see (hidden by the stylesheet) and bots fill in;
- a signed form token made when the form is drawn: it carries the time, so a form sent
  seconds after it was drawn (a bot) or long after (a stale page) is refused, and a random id,
  so pressing Send twice or reloading stores one request (the id is unique in the database);
- a limit on requests stored per visitor address (lmi_site.client_ip, which honours
  TRUSTED_PROXY_COUNT) per hour, kept in the shared cache so every worker counts together.
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from lmi_site.client_ip import client_ip

SALT = "consultations.form-token"
HONEYPOT_FIELD = "website"


def _setting(name, default):
    return getattr(settings, name, default)


def min_seconds():
    # A person reads the form and types at least a name and an email: this takes longer.
    return _setting("CONSULTATION_MIN_SECONDS", 3)


def max_seconds():
    # A form left open for the day still works; one from yesterday is drawn again.
    return _setting("CONSULTATION_MAX_SECONDS", 12 * 60 * 60)


def rate_limit():
    """(requests, seconds) one visitor address may send."""
    return _setting("CONSULTATION_RATE_LIMIT", (5, 60 * 60))


def new_form_token():
    return signing.dumps({"id": uuid.uuid4().hex, "at": time.time()}, salt=SALT, compress=True)


@dataclass
class TokenCheck:
    submission_id: uuid.UUID | None = None
    problem: str = ""  # "", "missing", "too-fast", "too-old"


def check_form_token(value):
    if not value or len(value) > 300:
        return TokenCheck(problem="missing")
    try:
        data = signing.loads(value, salt=SALT, max_age=max_seconds())
        submission_id = uuid.UUID(data["id"])
        started = float(data["at"])
    except signing.SignatureExpired:
        return TokenCheck(problem="too-old")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return TokenCheck(problem="missing")
    if time.time() - started < min_seconds():
        return TokenCheck(submission_id=submission_id, problem="too-fast")
    return TokenCheck(submission_id=submission_id)


def _rate_key(request):
    return f"consultations:sent-from:{client_ip(request)}"


def over_rate_limit(request):
    limit, _ = rate_limit()
    return (cache.get(_rate_key(request)) or 0) >= limit


def count_request(request):
    """One more request stored from this address; the window starts at the first."""
    _, seconds = rate_limit()
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds)
