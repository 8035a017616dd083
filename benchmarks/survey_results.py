"""Benchmark (not a test): results and round comparison of large survey rounds.

Seeds two closed staff rounds of the shipped staff instrument over 20 units with
`--answers` answers each (default 20,000), then times the results of one round and the
comparison of the two (median of 5), and counts the queries of the results page.

    .venv/bin/python benchmarks/survey_results.py                 # SQLite (temp file)
    .venv/bin/python benchmarks/survey_results.py --postgres      # PostgreSQL
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activity_report import configure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--answers", type=int, default=20_000)
    args = parser.parse_args()
    engine = configure(args.postgres)
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerstod.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from peerstod.accounts.models import Membership, User
    from peerstod.orgs.models import Organisation, Unit
    from peerstod.surveys import reports
    from peerstod.surveys.models import Instrument, Response, Round

    call_command("migrate", verbosity=0)
    region = Organisation.objects.create(name="Region", kind="region")
    units = [
        Unit.objects.create(organisation=region, name=f"Avdelning {n}", kind="general_psychiatry")
        for n in range(20)
    ]
    instrument = Instrument.objects.get(organisation=None, key="staff-recovery")
    keys = [i.key for i in instrument.definition.items_for("staff") if i.scale]
    rng = random.Random(8)
    rounds = []
    for number in (1, 3):
        survey_round = Round.objects.create(
            organisation=region,
            instrument=instrument,
            audience="staff",
            number=number,
            title=f"Omgång {number}",
            opens_on=date(2025, number, 1),
            closes_on=date(2025, number, 28),
            channels=["link"],
        )
        survey_round.units.set(units)
        Response.objects.bulk_create(
            (
                Response(
                    round=survey_round,
                    unit=units[n % 20],
                    channel="link",
                    group=1 + n // 100,
                    answers={k: rng.randint(1, 5) for k in keys},
                )
                for n in range(args.answers)
            ),
            batch_size=2000,
        )
        rounds.append(survey_round)

    def median(fn) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    results_ms = median(lambda: reports.round_results(survey_round=rounds[0]))
    compare_ms = median(
        lambda: reports.comparison(first=rounds[0], second=rounds[1], unit_ids=None)
    )
    user = User.objects.create_user(email="bench@example.org", password=None)
    Membership.objects.create(user=user, role="programme_coordinator", organisation=region)
    client = Client()
    client.force_login(user)
    url = reverse("surveys:results", args=[rounds[0].code])
    with CaptureQueriesContext(connection) as captured:
        page_start = time.perf_counter()
        assert client.get(url).status_code == 200
        page_ms = (time.perf_counter() - page_start) * 1000
    print(f"{engine}: 20 units, {args.answers:,} answers per round")
    print(f"  results of one round   {results_ms:8.1f} ms (median of 5)")
    print(f"  comparison of two      {compare_ms:8.1f} ms (median of 5)")
    print(f"  results page           {page_ms:8.1f} ms, {len(captured)} queries (with charts)")


if __name__ == "__main__":
    main()
