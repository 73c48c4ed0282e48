"""What the header and footer of every page show: the consultation and privacy pages, the clinic's contact details.

Looked up once per content change (lmi_site.keeping.per_site_for_request), not once per page
drawn: saving the contact settings, or publishing, moving or unpublishing a page, replaces it.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Length, Substr
from django.utils.translation import get_language
from wagtail.models import Page, PageViewRestriction, Site

from consultations.models.contact import contact_settings, tel_number
from consultations.models.pages import ConsultationRequestPage, PrivacyNoticePage
from lmi_site.keeping import per_site_for_request

CONTACT_FIELDS = ("legal_name", "address", "phone", "email", "opening_hours")


def _lookup(request):
    # Both pages in one query, like .live().public(): no view restriction on the page or an ancestor.
    restricted = PageViewRestriction.objects.filter(page__path=Substr(OuterRef("path"), 1, Length("page__path")))
    # Each in the page's language where it is published in it, else in English (flagged, so the
    # link can say the page it leads to is in English).
    language = get_language()
    found = (
        Page.objects.live()
        .type(ConsultationRequestPage, PrivacyNoticePage)
        .filter(~Exists(restricted), locale__language_code__in={language, settings.LANGUAGE_CODE})
        .annotate(language=F("locale__language_code"))
    )
    urls = {}
    for page in sorted(found.order_by("path"), key=lambda page: page.language != language):
        urls.setdefault(page.content_type_id, (page.get_url(request), page.language != language))
    types = ContentType.objects.get_for_models(ConsultationRequestPage, PrivacyNoticePage)
    contact = contact_settings(Site.find_for_request(request) if request is not None else None)
    consultation_url, consultation_in_english = urls.get(types[ConsultationRequestPage].pk, ("", False))
    privacy_url, privacy_in_english = urls.get(types[PrivacyNoticePage].pk, ("", False))
    frame = {
        "consultation_url": consultation_url,
        "consultation_in_english": consultation_in_english,
        "privacy_url": privacy_url,
        "privacy_in_english": privacy_in_english,
    }
    for name in CONTACT_FIELDS:
        frame[name] = getattr(contact, name)
    frame["phone_link"] = tel_number(frame["phone"])
    frame["opening_hours_lines"] = [line.strip() for line in frame["opening_hours"].splitlines() if line.strip()]
    frame["address_lines"] = [line.strip() for line in frame["address"].splitlines() if line.strip()]
    return frame


def site_frame(request):
    return per_site_for_request(request, "consultations-frame", _lookup)
