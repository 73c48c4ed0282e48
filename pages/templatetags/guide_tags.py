import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.utils.safestring import mark_safe
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.models import PageViewRestriction

from lmi_site.keeping import per_site_for_request
from pages.models import GuideIndexPage
from pages.rich_text import is_safe_link_url, render_rich_text

register = template.Library()

# As Django's json_script: these can never close the <script> element or start markup.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def guide_index_url(context):
    """The address of the list of all guides: shown on every page, so looked up once per content change."""
    return per_site_for_request(context.get("request"), "guide-index-url", _guide_index_url)


@register.simple_tag
def json_ld(data):
    """One <script type="application/ld+json"> per schema.org object."""
    scripts = []
    for item in data:
        text = json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
        scripts.append(f'<script type="application/ld+json">{text}</script>')
    return mark_safe("\n".join(scripts))


def _guide_index_url(request):
    # Like .live().public(), in one query: no view restriction on the page or an ancestor.
    restricted = PageViewRestriction.objects.filter(page__path=Substr(OuterRef("path"), 1, Length("page__path")))
    index = GuideIndexPage.objects.live().filter(~Exists(restricted)).first()
    return index.get_url(request) if index else ""


@register.simple_tag(takes_context=True)
def editor_userbar(context):
    """Wagtail's editing bar, for signed-in editors only.

    Without a session cookie nobody is signed in, so the bar is skipped without looking up the
    user: that lookup would mark the response as varying on cookies and keep it out of the page cache.
    """
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    return wagtailuserbar(context)


@register.filter
def clean_richtext(value):
    """Wagtail's |richtext, keeping only the markup the editor offers (see pages.rich_text)."""
    return render_rich_text(value)


@register.filter
def safe_link_url(url):
    """The address if a link may point there, else "" so the template shows words without a link."""
    return url if is_safe_link_url(url) else ""
