"""The two pages of the app: the consultation request form a patient fills in, and the privacy notice."""

from http import HTTPMethod

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.url_routing import RouteResult

from consultations.views import serve_consultation_page
from pages.models import BasePage

# Paragraphs, headings and lists: a privacy notice needs more than a guide's paragraphs do.
PRIVACY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


class ConsultationRequestPage(BasePage):
    """The form a patient fills in to ask for a consultation (serving: consultations/views.py).

    Never stored by the page cache or a proxy: it carries a CSRF token and a per-form token, and
    reads ?guide= to preselect what the patient was reading about.
    """

    introduction = RichTextField(features=["bold", "italic", "link"], blank=True, help_text="Shown above the form.")

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1
    reads_query_string = True
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS, HTTPMethod.POST]
    template = "consultations/consultation_request_page.html"

    class Meta:
        verbose_name = "consultation request page"

    def route(self, request, path_components):
        # /consultation/sent/ is the confirmation a patient is sent to after pressing Send.
        if path_components == ["sent"] and self.live:
            return RouteResult(self, kwargs={"sent": True})
        return super().route(request, path_components)

    def serve(self, request, *args, sent=False, **kwargs):
        return serve_consultation_page(self, request, sent=sent)


class PrivacyNoticePage(BasePage):
    """What the site does with patients' details; the clinic replaces the seeded text with its legal notice."""

    body = RichTextField(features=PRIVACY_FEATURES)

    content_panels = BasePage.content_panels + [FieldPanel("body")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1
    template = "consultations/privacy_notice_page.html"

    class Meta:
        verbose_name = "privacy notice page"
