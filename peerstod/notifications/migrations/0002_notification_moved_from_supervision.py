"""The in-app Notification moves here from supervision. Only Django's picture of the
models changes: the table keeps its name (`supervision_notification`) and every row.
The content type follows the model, so its permissions do too."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="notifications", model="notification").exists():
        content_types.objects.filter(app_label="supervision", model="notification").update(
            app_label="notifications"
        )


def content_type_returns(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="supervision", model="notification").exists():
        content_types.objects.filter(app_label="notifications", model="notification").update(
            app_label="supervision"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_outbox_mail"),
        ("supervision", "0001_supervision_network_self_assessment"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(editable=False, max_length=120)),
                        ("day", models.DateField(editable=False)),
                        ("text", models.CharField(editable=False, max_length=300)),
                        ("url", models.CharField(blank=True, editable=False, max_length=200)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "supervision_notification",
                        "ordering": ["-day", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "key", "day"), name="notification_once_a_day"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_returns, elidable=True),
    ]
