import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The medical review task moves here from pages. Its table (pages_medicalreviewtask, named in
    the model's Meta) and rows stay as they are: only Django's record of which app owns the model
    changes, here and in pages/migrations/0010. 0002 moves its content type."""

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("pages", "0009_figure_description_only_for_drawings"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MedicalReviewTask",
                    fields=[
                        (
                            "task_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to="wagtailcore.task",
                            ),
                        ),
                        (
                            "groups",
                            models.ManyToManyField(
                                help_text="Pages/snippets at this step in a workflow will be moderated or approved by these groups of users",
                                to="auth.group",
                                verbose_name="groups",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "medical review task",
                        "verbose_name_plural": "medical review tasks",
                        "db_table": "pages_medicalreviewtask",
                    },
                    bases=("wagtailcore.task",),
                ),
            ],
            database_operations=[],
        ),
    ]
