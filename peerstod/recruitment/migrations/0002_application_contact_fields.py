"""What the applicant wrote (name, phone) is kept on the application, so the public form
never has to change an existing person. Existing applications get their person's
current name and phone, which is what they showed until now."""

import django.core.validators
from django.db import migrations, models

import peerstod.core.fields


def copy_from_person(apps, schema_editor):
    Application = apps.get_model("recruitment", "Application")
    for application in Application.objects.filter(person__isnull=False).select_related("person"):
        application.full_name = application.person.full_name
        application.phone = application.person.phone
        application.save(update_fields=["full_name", "phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_person_availability"),
        ("recruitment", "0001_calls_applications_cohorts"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="full_name",
            field=peerstod.core.fields.GuardedCharField(
                blank=True, editable=False, max_length=150, verbose_name="name"
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="phone",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=20,
                validators=[
                    django.core.validators.RegexValidator(
                        "^\\+?[0-9 ()-]{7,20}$",
                        "Write the phone number with digits, spaces or hyphens, e.g. 070-123 45 67.",
                    )
                ],
                verbose_name="phone number",
            ),
        ),
        migrations.RunPython(copy_from_person, migrations.RunPython.noop),
    ]
