"""Counts kept before searches were told apart by language become English counts when migrated."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from searches.models import SearchCount, SearchWithoutResults

BEFORE = ("searches", "0004_moderators_keep_synonyms")


@pytest.mark.django_db(transaction=True)
def test_counts_from_before_languages_are_english_after_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    query = old.get_model("wagtailsearchpromotions", "Query").objects.create(query_string="perforin")
    day = datetime.date(2026, 10, 3)
    old.get_model("wagtailsearchpromotions", "QueryDailyHits").objects.create(query=query, date=day, hits=5)
    old.get_model("searches", "SearchWithoutResults").objects.create(query=query, date=day, hits=2)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    counted = SearchCount.objects.select_related("query", "locale").get()
    assert (counted.query.query_string, counted.locale.language_code, counted.date, counted.hits) == (
        "perforin",
        settings.LANGUAGE_CODE,
        day,
        5,
    )
    without = SearchWithoutResults.objects.select_related("locale").get()
    assert (without.locale.language_code, without.hits) == (settings.LANGUAGE_CODE, 2)
