from django.db import migrations

from pages.roles import setup_roles_and_workflow, setup_translators


def create_translators(apps, schema_editor):
    # The groups as pages.roles describes them now: Editors and Moderators may start a translation
    # ("Translate this page"), and Translators, who may change the Spanish pages once there are some.
    setup_roles_and_workflow(apps)
    setup_translators(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0012_nested_block_ids"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(create_translators, migrations.RunPython.noop)]
