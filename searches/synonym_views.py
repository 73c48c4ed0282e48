"""Where staff keep the search synonyms: Settings → Search synonyms (Wagtail's generic model views).

Moderators add, change and delete them (pages/roles.py), as they promote guides in search: both
change what patients' words find. The searches report links each term that found nothing here,
with the term filled in.
"""

from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale

from searches.models import Synonym, words_of


class AddSynonymView(generic.CreateView):
    def get_initial_form_instance(self):
        # ?term= from the searches report: the patients' words, as search compares them.
        term = " ".join(words_of(self.request.GET.get("term", "")))[: Synonym._meta.get_field("term").max_length]
        return Synonym(locale=Locale.get_default(), term=term)


class SynonymViewSet(ModelViewSet):
    model = Synonym
    icon = "search"
    menu_label = "Search synonyms"
    add_to_settings_menu = True
    url_prefix = "search-synonyms"
    form_fields = ["locale", "term", "means"]
    list_display = ["term", "means", "locale"]
    search_fields = ["term", "means"]
    copy_view_enabled = False
    add_view_class = AddSynonymView


synonyms = SynonymViewSet("search_synonyms")
