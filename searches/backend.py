"""Wagtail's database search backend (settings.WAGTAILSEARCH_BACKENDS), reading each page in its
own language on PostgreSQL.

The backend takes one PostgreSQL text-search configuration (SEARCH_CONFIG) for every page and
every search: English stemming and common words would be applied to Spanish pages, so
"inmunitaria" would not find "inmunitario". Here a page is indexed with its locale's
configuration and a search uses the reader's language's (the address's: /es/search/ is
Spanish). Each language's pages are only ever searched in that language (searches/views.py),
so the two never meet. On SQLite and other databases, Wagtail's own backend is used unchanged
(it matches whole words, accents or not; searches/words.py leaves out the common words).
"""

from django.db import connection
from wagtail.search.backends.database import SearchBackend as database_backend


def SearchBackend(params):  # noqa: N802 (Wagtail looks a backend module's SearchBackend up by this name)
    if connection.vendor != "postgresql":
        return database_backend(params)
    from searches.postgres_languages import LanguagePostgresSearchBackend

    return LanguagePostgresSearchBackend(params)
