"""The PostgreSQL search backend with a text-search configuration per language (searches/backend.py).

Kept apart from backend.py, which SQLite sites load too, as it imports PostgreSQL's backend."""

from django.conf import settings
from django.utils import translation
from modelsearch.backends.database.postgres.postgres import PostgresIndex, PostgresSearchBackend
from wagtail.models import Locale

# PostgreSQL's own configurations (pg_ts_config); a language not here is read word for word.
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


def config_for(language_code):
    return SEARCH_CONFIGS.get((language_code or "").split("-")[0].lower(), "simple")


class LanguageIndex(PostgresIndex):
    def add_items(self, model, objs):
        # The backend's configuration follows the active language (LanguagePostgresSearchBackend.config),
        # which the indexer reads as it is made: each language's objects are indexed under their own.
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        groups = {}
        for obj in objs:
            # What has no language (images, documents) is read as the admin that searches it is: English.
            language = languages.get(getattr(obj, "locale_id", None), settings.LANGUAGE_CODE)
            groups.setdefault(language, []).append(obj)
        for language, group in groups.items():
            with translation.override(language):
                super().add_items(model, group)


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    index_class = LanguageIndex

    @property
    def config(self):
        """The active language's configuration: the page's while indexing, the reader's while searching."""
        return config_for(translation.get_language())

    @config.setter
    def config(self, value):
        # PostgresSearchBackend sets SEARCH_CONFIG here; this backend chooses per language instead.
        pass
