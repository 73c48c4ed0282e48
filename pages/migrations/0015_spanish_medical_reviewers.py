from django.db import migrations

from pages.roles import setup_roles_and_workflow, setup_spanish_review


def create_spanish_review(apps, schema_editor):
    # The Medical reviewers (Spanish) group and the Spanish pages' own workflow, assigned to the
    # Spanish home page where there is one already (the seeder assigns it on a new site).
    setup_roles_and_workflow(apps)
    setup_spanish_review(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0014_translation_behind_english"),
        ("medical_review", "0002_task_content_type"),
    ]

    operations = [migrations.RunPython(create_spanish_review, migrations.RunPython.noop)]
