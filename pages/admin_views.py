"""Admin views of the content app: the plain-language report."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

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
