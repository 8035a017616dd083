"""Indicator values are for months from 1990-01 on (core.dates). A value saved for an
impossible month (the import once accepted `0001-01`) cannot be analysed; before the
constraint is added it is moved into one audit row per unit (what it was, for whom,
entered by whom), so nothing is lost without a trace."""

from datetime import date

from django.db import migrations, models

FIRST_MONTH = date(1990, 1, 1)


def move_impossible_months_to_the_audit_log(apps, schema_editor):
    IndicatorValue = apps.get_model("outcomes", "IndicatorValue")
    AuditEvent = apps.get_model("core", "AuditEvent")
    found = IndicatorValue.objects.filter(month__lt=FIRST_MONTH).select_related("unit", "indicator")
    by_unit: dict = {}
    for value in found:
        by_unit.setdefault(value.unit, []).append(
            {
                "month": value.month.isoformat(),
                "indicator": value.indicator.key,
                "value": str(value.value),
                "entered_by": value.entered_by_id,
            }
        )
    for unit, removed in by_unit.items():
        AuditEvent.objects.create(
            actor=None,
            actor_label="migration outcomes.0002",
            action="outcomes.values.out_of_range_removed",
            object_type="orgs.unit",
            object_ref=str(getattr(unit, "code", "") or unit.pk),
            organisation_id=unit.organisation_id,
            detail={"removed": removed},
        )
    found.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_audit_log"),
        ("outcomes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_impossible_months_to_the_audit_log, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.CheckConstraint(
                condition=models.Q(month__gte=FIRST_MONTH), name="indicator_value_month_from_1990"
            ),
        ),
    ]
