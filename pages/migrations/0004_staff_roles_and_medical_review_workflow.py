from django.db import migrations

from pages.roles import setup_roles_and_workflow


def create_roles_and_workflow(apps, schema_editor):
    setup_roles_and_workflow(apps)


class Migration(migrations.Migration):
    """The three staff groups and the "Medical review" workflow, so every database has them."""

    dependencies = [
        ("pages", "0003_review_interval_and_medical_review_task"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles_and_workflow, migrations.RunPython.noop)]
