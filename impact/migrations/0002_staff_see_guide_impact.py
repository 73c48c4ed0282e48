from django.db import migrations

from consultations.roles import setup_patient_coordinators
from pages.roles import setup_roles_and_workflow


def grant_roles(apps, schema_editor):
    # The clinic's roles are made in one place each (pages/roles.py, consultations/roles.py):
    # running them again gives "Guide impact" to the groups that have it there.
    setup_roles_and_workflow(apps)
    setup_patient_coordinators(apps)


class Migration(migrations.Migration):
    dependencies = [
        # After the other apps' groups and permissions are made; before or after the review task's
        # move to medical_review alike (pages/roles.py finds it in either).
        ("impact", "0001_initial"),
        ("consultations", "0004_sent_from_guide"),
        ("searches", "0002_staff_see_searches"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
