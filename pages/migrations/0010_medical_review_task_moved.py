from django.db import migrations


class Migration(migrations.Migration):
    """The medical review task now belongs to the medical_review app (its migration 0001). Its
    table and rows stay; pages only stops recording the model as its own."""

    dependencies = [
        ("pages", "0009_figure_description_only_for_drawings"),
        ("medical_review", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="MedicalReviewTask")],
            database_operations=[],
        ),
    ]
