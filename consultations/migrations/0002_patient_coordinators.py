from django.db import migrations

from consultations.roles import setup_patient_coordinators


def create_group(apps, schema_editor):
    setup_patient_coordinators(apps)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Patient coordinators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # After Wagtail gives every admin group "choose image/document": coordinators need neither.
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
