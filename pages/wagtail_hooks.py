import datetime

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.views.pages.edit import EditView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lmi_site.admin_menu import MenuItemFor
from pages.admin_views import TranslationsReport, plain_language_report
from pages.models import Person
from pages.roles import works_on_guides


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "credentials", "role"]
    search_fields = ["name"]


register_snippet(PersonViewSet)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("insert_editor_js")
def editor_js():
    # Stops autosave once the editor's form is sent (static/js/admin-editor.js says why).
    return format_html('<script src="{}" defer></script>', static("js/admin-editor.js"))


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/plain-language/", plain_language_report, name="plain_language_report"),
        # At wagtail-localize's own addresses, so its menu item and links reach ours
        # (admin_views.TranslationsReport): this app's hooks are registered before wagtail-localize's.
        path("localize/reports/translations/", TranslationsReport.as_view(), name="translations_report"),
        path(
            "localize/reports/translations/results/",
            TranslationsReport.as_view(results_only=True),
            name="translations_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_plain_language_report_menu_item():
    # Everyone who works on guides' words sees how plain they are (the same roles as review dates).
    return MenuItemFor(
        "Plain language", reverse("plain_language_report"), works_on_guides, icon_name="glasses", order=55
    )


# --- a new guide published while its first autosave is still on its way -------------------------


JUST_AUTOSAVED_MINUTES = 10


@hooks.register("before_create_page")
def publish_into_the_draft_just_autosaved(request, parent_page, page_class):
    """A Publish pressed a moment after typing stops can reach the "add page" address after
    Wagtail's autosave has already created the page from the same form, but before the editor
    has switched itself to that page's edit address. The form's slug then clashes with the
    page it just made, and staff see "could not be created" with nothing wrong in their form.

    Wagtail does not guard that moment, so this does: a plain (not autosave) submission of the
    add form whose slug is that of a never-published draft this same person started minutes
    ago, with no one else's revisions, is handled as an edit of that draft.
    """
    if request.method != "POST" or not request.accepts("text/html") or not request.POST.get("slug"):
        return None
    draft = (
        parent_page.get_children()
        .filter(slug=request.POST["slug"], owner=request.user, live=False, first_published_at__isnull=True)
        .first()
    )
    if draft is None or draft.specific_class is not page_class:
        return None
    revisions = draft.revisions.all()
    first = revisions.order_by("created_at").first()
    if first is None or revisions.exclude(user=request.user).exists():
        return None
    if timezone.now() - first.created_at > datetime.timedelta(minutes=JUST_AUTOSAVED_MINUTES):
        return None
    return EditView.as_view()(request, page_id=draft.pk)


@hooks.register("construct_reports_menu")
def translations_report_for_those_who_work_on_pages(request, menu_items):
    # wagtail-localize offers its Translations report to everyone in the admin; it is about pages,
    # so, like the other page reports, only those who work on them see it (not coordinators).
    if not works_on_guides(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "translations"]
