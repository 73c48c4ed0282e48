from django.db import migrations

from pages.roles import setup_roles_and_workflow


def grant_roles(apps, schema_editor):
    # The clinic's roles are made in one place (pages/roles.py); running it again adds the new
    # "view patient feedback" permission to each group that has it there.
    setup_roles_and_workflow(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("pages", "0006_table_cells_hold_sentences"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
