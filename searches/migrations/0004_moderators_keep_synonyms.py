from django.db import migrations

from pages.roles import setup_roles_and_workflow


def grant_roles(apps, schema_editor):
    # The clinic's roles are made in one place (pages/roles.py): this gives Moderators the
    # search synonyms, beside the promoted search results they already keep.
    setup_roles_and_workflow(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("searches", "0003_synonym"),
        ("pages", "0010_medical_review_task_moved"),
        ("medical_review", "0002_task_content_type"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
