from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from pages.models import Person


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "credentials", "role"]
    search_fields = ["name"]


register_snippet(PersonViewSet)


@hooks.register("before_edit_page")
def refuse_to_save_over_a_newer_version(request, page):
    """Two staff editing one page: the second to save must not silently replace the first one's work.

    Wagtail checks this itself only for autosave and warns in the browser with JavaScript; a plain
    form submission from an out-of-date editor would overwrite. The same test as Wagtail's
    (EditView.is_out_of_date) is applied here to every submission of the edit form.
    """
    if request.method != "POST" or not request.accepts("text/html"):
        return None
    latest = Page.objects.get(pk=page.pk).latest_revision
    if latest is None:
        return None
    if overwrite_revision_id := request.POST.get("overwrite_revision_id"):
        out_of_date = overwrite_revision_id != str(latest.pk)
    elif loaded_revision_id := request.POST.get("loaded_revision_id"):
        out_of_date = loaded_revision_id != str(latest.pk) or (
            request.POST.get("loaded_revision_created_at", "") != latest.created_at.isoformat()
        )
    else:
        return None
    if not out_of_date:
        return None
    who = (latest.user.get_full_name() or latest.user.get_username()) if latest.user else "Someone"
    when = timezone.localtime(latest.created_at).strftime("%H:%M on %d %B %Y")
    messages.error(
        request,
        f"{who} saved a newer version of this page at {when}, after you opened it. Your changes were not "
        "saved, so theirs were not overwritten. Their version is shown here: please make your changes again.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
