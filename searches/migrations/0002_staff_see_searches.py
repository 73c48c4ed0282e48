from django.db import migrations

from pages.roles import setup_roles_and_workflow


def grant_roles(apps, schema_editor):
    # The clinic's roles are made in one place (pages/roles.py): this adds seeing searches and
    # promoting search results to the groups that have them there.
    setup_roles_and_workflow(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("searches", "0001_initial"),
        ("feedback", "0002_staff_see_feedback"),
        ("pages", "0008_plain_language_target_grade"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
