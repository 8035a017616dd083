"""The demo carries journey 6: the 36 months of figures for forensic units 20 and 21
(the example workbook), loaded through the outcomes services, once."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from peerstod.accounts.models import User
from peerstod.core.models import AuditEvent
from peerstod.demo import outcomes as outcomes_demo
from peerstod.orgs.models import Unit
from peerstod.outcomes import analysis, examples
from peerstod.outcomes.models import IndicatorValue
from tests.conftest import strong_login


@pytest.mark.django_db
def test_the_demo_loads_journey_6s_36_months_once_and_the_analysis_opens_on_them(client):
    call_command("demo", force=True)
    unit_20 = Unit.objects.get(name="Rättspsykiatrisk avdelning 20")
    unit_21 = Unit.objects.get(name="Rättspsykiatrisk avdelning 21")
    months = examples.months(date.today())
    for unit in (unit_20, unit_21):
        values = IndicatorValue.objects.filter(unit=unit)
        assert values.count() == 36 * 9
        assert set(values.values_list("month", flat=True)) == set(months)
    assert AuditEvent.objects.filter(action="outcomes.import").count() == 1

    before = (IndicatorValue.objects.count(), AuditEvent.objects.count())
    outcomes_demo.load(unit_20=unit_20, unit_21=unit_21, today=date.today())
    assert (IndicatorValue.objects.count(), AuditEvent.objects.count()) == before

    strong_login(client, User.objects.get(email="coordinator@example.org"))
    page = client.get(reverse("outcomes:analysis"))
    report = page.context["report"]
    assert report.units == [unit_21] and report.comparison == [unit_20]
    assert report.summary.method == analysis.ITS and report.did is not None
