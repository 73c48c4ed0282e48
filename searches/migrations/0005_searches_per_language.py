"""Search counts per language: a term's daily searches in each language (SearchCount), and the
language of each count of searches that found nothing.

Every search counted before this was in English (the site had no other language): existing counts
are given the site's default locale, and the daily totals Wagtail kept (QueryDailyHits) become
English counts, so the report's earlier months read as before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def counted_in_english(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    SearchWithoutResults = apps.get_model("searches", "SearchWithoutResults")
    SearchCount = apps.get_model("searches", "SearchCount")
    QueryDailyHits = apps.get_model("wagtailsearchpromotions", "QueryDailyHits")
    if not (SearchWithoutResults.objects.exists() or QueryDailyHits.objects.exists()):
        return
    english, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    SearchWithoutResults.objects.update(locale=english)
    SearchCount.objects.bulk_create(
        SearchCount(query_id=row.query_id, locale=english, date=row.date, hits=row.hits)
        for row in QueryDailyHits.objects.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("searches", "0004_moderators_keep_synonyms"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("hits", models.PositiveIntegerField(default=0)),
                (
                    "locale",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="language",
                    ),
                ),
                (
                    "query",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="wagtailsearchpromotions.query",
                    ),
                ),
            ],
            options={
                "verbose_name": "search count",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("query", "locale", "date"), name="one_search_count_per_term_language_and_day"
                    )
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="searchwithoutresults", name="one_count_per_term_and_day"),
        migrations.AddField(
            model_name="searchwithoutresults",
            name="locale",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="language",
            ),
        ),
        migrations.RunPython(counted_in_english, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchwithoutresults",
            name="locale",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="language",
            ),
        ),
        migrations.AddConstraint(
            model_name="searchwithoutresults",
            constraint=models.UniqueConstraint(
                fields=("query", "locale", "date"), name="one_count_per_term_language_and_day"
            ),
        ),
    ]
