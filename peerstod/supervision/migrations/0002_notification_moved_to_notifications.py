"""The in-app Notification now belongs to the notifications app
(notifications.0002): supervision forgets the model; its table and rows stay, owned
there."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_supervision_network_self_assessment"),
        ("notifications", "0002_notification_moved_from_supervision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
