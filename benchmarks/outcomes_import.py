"""Benchmark (not a test): importing and analysing unit-month indicators.

Builds an Excel file for 40 units × 120 months with all nine built-in indicators
(4,800 rows, 43,200 values), times the import (every row checked first), the same import
again (nothing changes), and the analysis of one unit against a comparison unit and of
a group of 20 units.

    .venv/bin/python benchmarks/outcomes_import.py                 # SQLite (temp file)
    .venv/bin/python benchmarks/outcomes_import.py --postgres      # PostgreSQL
"""

import argparse
import io
import os
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
    args = parser.parse_args()
    engine = configure(args.postgres)
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerstod.settings"
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from openpyxl import Workbook

    from peerstod.accounts.models import Membership, User
    from peerstod.accounts.scope import scope_for
    from peerstod.orgs.models import Organisation, Unit
    from peerstod.outcomes import reports, services
    from peerstod.outcomes.examples import HEADER
    from peerstod.outcomes.models import Indicator

    call_command("migrate", verbosity=0)
    region = Organisation.objects.create(name="Region", kind="region")
    units = [
        Unit.objects.create(organisation=region, name=f"Avdelning {n}", kind="forensic")
        for n in range(40)
    ]
    user = User.objects.create_user(email="bench@example.org", password=None)
    Membership.objects.create(user=user, role="programme_coordinator", organisation=region)
    rng = np.random.default_rng(1)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    months = [date(2015 + i // 12, i % 12 + 1, 1) for i in range(120)]
    for unit in units:
        for month in months:
            days = int(rng.integers(600, 900))
            sheet.append([unit.name, month.strftime("%Y-%m"), days, *map(int, rng.poisson(8, 8))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    scope = scope_for(user)

    start = time.perf_counter()
    first = services.import_file(scope=scope, actor=user, name="bench.xlsx", data=data)
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    again = services.import_file(scope=scope, actor=user, name="bench.xlsx", data=data)
    again_s = time.perf_counter() - start

    services.period_set(scope=scope, actor=user, unit=units[0], starts_on=months[60], ends_on=None)
    for unit in units[1:20]:
        services.period_set(scope=scope, actor=user, unit=unit, starts_on=months[60], ends_on=None)
    services.comparison_set(scope=scope, actor=user, unit=units[39], comparison=True)
    restraint = Indicator.objects.get(key="restraint")

    def median_ms(chosen) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            reports.build(units=chosen, comparison=[units[39]], indicator=restraint, harmonics=2)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    median_ms([units[0]])  # warm up: statsmodels and matplotlib load on first use
    one_ms = median_ms([units[0]])
    group_ms = median_ms(units[:20])
    print(f"{engine}: {len(data) / 1e6:.1f} MB Excel, 4,800 rows, {first.new:,} values")
    print(f"  first import           {first_s:6.2f} s")
    print(f"  same file again        {again_s:6.2f} s ({again.unchanged:,} unchanged)")
    print(
        f"  analysis, one unit     {one_ms:6.0f} ms (ITS with 2 harmonics, DiD, chart; median of 5)"
    )
    print(f"  analysis, 20 units     {group_ms:6.0f} ms")


if __name__ == "__main__":
    main()
