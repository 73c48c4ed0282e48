from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from pages.cache import mark_servable
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


# Marks the pages Wagtail serves to readers, the only responses the page cache may store.
# A high order puts it innermost, after Wagtail's own view-restriction check has passed.
hooks.register("on_serve_page", mark_servable, order=100)
