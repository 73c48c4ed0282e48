"""Public views that are not Wagtail pages: robots.txt."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request):
    # /count/ is where guides' readers are counted (impact/): robots are not readers.
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /count/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
