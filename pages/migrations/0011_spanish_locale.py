from django.db import migrations

# Written out rather than read from settings: a migration must do the same thing whenever it runs.
SPANISH = "es"


def add_spanish(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code=SPANISH)


class Migration(migrations.Migration):
    """The site's second language: Spanish pages, under /es/, belong to this locale."""

    dependencies = [
        ("pages", "0010_medical_review_task_moved"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [migrations.RunPython(add_spanish, migrations.RunPython.noop, elidable=False)]
