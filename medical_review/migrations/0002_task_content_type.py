from django.db import migrations

MODEL = "medicalreviewtask"


def _move(apps, from_label, to_label):
    """Give the task's content type its new app label, so Wagtail finds the task's class for every
    existing task and workflow state (Task.content_type points at this row)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label=from_label, model=MODEL).first()
    if old is None:
        return  # nothing made under the old label: a new database gets its content type after migrate
    new = ContentType.objects.filter(app_label=to_label, model=MODEL).first()
    if new is None:
        old.app_label = to_label
        old.save(update_fields=["app_label"])
        return
    # Both exist: the tasks and any permission the new one lacks follow the new one.
    Task.objects.filter(content_type=old).update(content_type=new)
    have = set(Permission.objects.filter(content_type=new).values_list("codename", flat=True))
    Permission.objects.filter(content_type=old).exclude(codename__in=have).update(content_type=new)
    old.delete()


def forwards(apps, schema_editor):
    _move(apps, "pages", "medical_review")


def backwards(apps, schema_editor):
    _move(apps, "medical_review", "pages")


class Migration(migrations.Migration):
    dependencies = [
        ("medical_review", "0001_initial"),
        ("pages", "0010_medical_review_task_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
