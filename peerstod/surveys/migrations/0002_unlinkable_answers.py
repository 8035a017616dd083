"""Answers with random keys and no date, waiting in groups; codes with no order.

Existing answers are copied into new tables in shuffled order with random keys; per
round and unit they are put in whole groups of SURVEY_MIN_GROUP, the rest waits. Free
text that was already there counts as grouped (group 0). The date of each answer is
dropped."""

import random
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import peerstod.core.fields

CHANNELS = [
    ("slip", "Printed slip with code and QR"),
    ("link", "Open link for staff"),
    ("kiosk", "Kiosk on a ward tablet"),
    ("paper", "Paper answers typed in"),
]


def copy_shuffled(apps, schema_editor):
    shuffle = random.SystemRandom().shuffle
    size = settings.SURVEY_MIN_GROUP
    Old = apps.get_model("surveys", "Response")
    New = apps.get_model("surveys", "NewResponse")
    by_place: dict = {}
    for row in Old.objects.values("round_id", "unit_id", "channel", "language", "answers", "important"):
        by_place.setdefault((row["round_id"], row["unit_id"]), []).append(row)
    fresh = []
    for rows in by_place.values():
        shuffle(rows)
        whole = len(rows) // size * size
        for index, row in enumerate(rows):
            fresh.append(New(id=uuid.uuid4(), group=index // size + 1 if index < whole else None, **row))
    shuffle(fresh)
    New.objects.bulk_create(fresh, batch_size=500)
    OldText = apps.get_model("surveys", "TextAnswer")
    NewText = apps.get_model("surveys", "NewTextAnswer")
    texts = [
        NewText(id=uuid.uuid4(), group=0, **row)
        for row in OldText.objects.values(
            "round_id", "unit_id", "item", "text", "status", "moderated_by_id"
        )
    ]
    shuffle(texts)
    NewText.objects.bulk_create(texts, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0001_initial"),
        ("orgs", "0001_organisations_units_agreements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="interim_shown",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.CreateModel(
            name="AnswerDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("channel", models.CharField(choices=CHANNELS, max_length=10)),
                ("day", models.DateField()),
                ("answers", models.PositiveIntegerField(default=0)),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.round")),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.unit")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("round", "unit", "channel", "day"), name="answer_day_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="NewResponse",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("channel", models.CharField(choices=CHANNELS, max_length=10)),
                ("language", models.CharField(choices=[("sv", "Svenska"), ("en", "English")], default="sv", max_length=5)),
                ("answers", models.JSONField(default=dict)),
                ("important", models.JSONField(default=list)),
                ("group", models.PositiveIntegerField(editable=False, null=True)),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.round")),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.unit")),
            ],
        ),
        migrations.CreateModel(
            name="NewTextAnswer",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("item", models.CharField(editable=False, max_length=60)),
                ("text", peerstod.core.fields.GuardedTextField(max_length=2000, verbose_name="answer")),
                ("status", models.CharField(choices=[("pending", "Waiting for moderation"), ("approved", "Approved"), ("rejected", "Not published")], default="pending", max_length=10)),
                ("group", models.PositiveIntegerField(editable=False, null=True)),
                ("moderated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.round")),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.unit")),
            ],
        ),
        migrations.RunPython(copy_shuffled, migrations.RunPython.noop),
        migrations.DeleteModel(name="Response"),
        migrations.DeleteModel(name="TextAnswer"),
        migrations.RenameModel(old_name="NewResponse", new_name="Response"),
        migrations.RenameModel(old_name="NewTextAnswer", new_name="TextAnswer"),
        migrations.AlterField(
            model_name="response",
            name="round",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="responses", to="surveys.round"),
        ),
        migrations.AlterField(
            model_name="textanswer",
            name="round",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="text_answers", to="surveys.round"),
        ),
    ]
