"""Admin views of the content app: the plain-language report, and the Translations report guarded."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from wagtail_localize.views.report import TranslationsReportView

from pages.models import ClinicSettings, GuidePage
from pages.plain_language import guide_readability
from pages.roles import works_on_guides


def plain_language_report(request):
    """Reading levels of every guide's live version, or its draft if it was never published."""
    if not works_on_guides(request.user):
        raise PermissionDenied
    target = ClinicSettings.load(request_or_site=request).plain_language_target_grade
    guides = []
    for guide in GuidePage.objects.order_by("title"):
        version = guide if guide.live else guide.get_latest_revision_as_object()
        guides.append((guide, guide_readability(version, target)))
    context = {"guides": guides, "target_grade": target}
    return TemplateResponse(request, "pages/admin/plain_language_report.html", context)


class TranslationsReport(TranslationsReportView):
    """wagtail-localize's Translations report, for those who work on guides only, in a steady order.

    Its own view checks no permission (any staff member could open it at its address) and pages an
    unordered list (a row could repeat or go missing between pages). pages/wagtail_hooks.py serves
    this one at the report's own address, ahead of wagtail-localize's.
    """

    def dispatch(self, request, *args, **kwargs):
        if not works_on_guides(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # As the other page reports: by the guide's title, then by language.
        return super().get_queryset().order_by("source__object_repr", "target_locale__language_code", "pk")
