"""Benchmark (not a test): importing and analysing unit-month indicators.

Builds an Excel file for 40 units × 120 months with all nine built-in indicators
(4,800 rows, 43,200 values), times the import (every row checked first), the same import
again (nothing changes), and the analysis of one unit against a comparison unit and of
a group of 20 units.

    .venv/bin/python benchmarks/outcomes_import.py                 # SQLite (temp file)
    .venv/bin/python benchmarks/outcomes_import.py --postgres      # PostgreSQL

With --rows N: a national-size file instead (N rows = N/120 units × 120 months, nine
indicators), as CSV or Excel (--format), imported in a process of its own: the CPU time
and the wall time of the first import and of the same file again, and the memory the
import takes: the peak of Python's allocations (tracemalloc, in a second run, as it slows
the run) and the growth of the process's peak resident size.

    .venv/bin/python benchmarks/outcomes_import.py --rows 100000 --format xlsx --postgres
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


def _rss_mb() -> float:
    """The process's resident size now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kB on Linux


def _with_dimension(buffer: io.BytesIO, ref: str) -> io.BytesIO:
    """The sheet as Excel saves it, with its size declared at the top (openpyxl's
    write-only mode leaves it out, and a reader then parses the sheet once more to
    find it)."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<dimension" not in part[:4096]:
                part = re.sub(
                    rb"(<worksheet\b[^>]*>(?:<sheetPr\b[^>]*/>)?)",
                    rb'\1<dimension ref="' + ref.encode() + rb'"/>',
                    part,
                    count=1,
                )
            dest.writestr(item, part)
    return out


def national(args, engine: str) -> None:
    import csv
    import tracemalloc

    import numpy as np
    from django.core.management import call_command
    from openpyxl import Workbook

    from peerstod.accounts.models import Membership, User
    from peerstod.accounts.scope import scope_for
    from peerstod.orgs.models import Organisation, Unit
    from peerstod.outcomes import services
    from peerstod.outcomes.examples import HEADER

    call_command("migrate", verbosity=0)
    region = Organisation.objects.create(name="Region", kind="region")
    count = -(-args.rows // 120)
    Unit.objects.bulk_create(
        Unit(organisation=region, name=f"Avdelning {n}", kind="forensic") for n in range(count)
    )
    units = list(Unit.objects.filter(organisation=region).order_by("pk"))
    user = User.objects.create_user(email="bench@example.org", password=None)
    Membership.objects.create(user=user, role="programme_coordinator", organisation=region)
    rng = np.random.default_rng(1)
    months = [date(2015 + i // 12, i % 12 + 1, 1).strftime("%Y-%m") for i in range(120)]
    rows = (
        [unit.name, month, int(rng.integers(600, 900)), *map(int, rng.poisson(8, 8))]
        for unit in units
        for month in months
    )
    rows = (row for _n, row in zip(range(args.rows), rows, strict=False))
    buffer = io.BytesIO()
    if args.format == "csv":
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
        buffer.write(text.getvalue().encode())
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        workbook.save(buffer)
        buffer = _with_dimension(buffer, f"A1:K{args.rows + 1}")
    data = buffer.getvalue()
    del buffer
    name = f"national.{args.format}"
    scope = scope_for(user)

    def timed(label: str) -> None:
        rss = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        outcome = services.import_file(scope=scope, actor=user, name=name, data=data)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"  {label:<22} {wall:6.1f} s wall, {cpu:5.1f} s CPU (this process), "
            f"{outcome.new:,} new, {outcome.unchanged:,} unchanged; "
            f"peak RSS {_peak_rss_mb():.0f} MB (was {rss:.0f} MB before)",
            flush=True,
        )

    print(
        f"{engine}: {len(data) / 1e6:.1f} MB {args.format}, {args.rows:,} rows, "
        f"{count} units × 120 months, 9 indicators",
        flush=True,
    )
    timed("first import")
    if args.quick:
        return
    timed("same file again")
    tracemalloc.start()
    services.import_file(scope=scope, actor=user, name=name, data=data)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  tracemalloc peak, the same file a third time: {peak / 1e6:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    parser.add_argument("--quick", action="store_true", help="the first import only")
    args = parser.parse_args()
    engine = configure(args.postgres)
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerstod.settings"
    import django

    django.setup()
    if args.rows:
        national(args, engine)
        return
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

    start, cpu = time.perf_counter(), time.process_time()
    first = services.import_file(scope=scope, actor=user, name="bench.xlsx", data=data)
    first_s, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    again = services.import_file(scope=scope, actor=user, name="bench.xlsx", data=data)
    again_s, again_cpu = time.perf_counter() - start, time.process_time() - cpu

    services.period_set(scope=scope, actor=user, unit=units[0], starts_on=months[60], ends_on=None)
    for unit in units[1:20]:
        services.period_set(scope=scope, actor=user, unit=unit, starts_on=months[60], ends_on=None)
    services.comparison_set(scope=scope, actor=user, unit=units[39], comparison=True)
    restraint = Indicator.objects.get(key="restraint")

    def median_ms(chosen) -> float:
        times = []
        for _ in range(5):
            start = time.process_time()
            reports.build(units=chosen, comparison=[units[39]], indicator=restraint, harmonics=2)
            times.append(time.process_time() - start)
        return statistics.median(times) * 1000

    median_ms([units[0]])  # warm up: statsmodels and matplotlib load on first use
    one_ms = median_ms([units[0]])
    group_ms = median_ms(units[:20])
    print(f"{engine}: {len(data) / 1e6:.1f} MB Excel, 4,800 rows, {first.new:,} values")
    print(f"  first import           {first_s:6.2f} s wall, {first_cpu:.2f} s CPU")
    print(
        f"  same file again        {again_s:6.2f} s wall, {again_cpu:.2f} s CPU "
        f"({again.unchanged:,} unchanged)"
    )
    print(
        f"  analysis, one unit     {one_ms:6.0f} ms CPU (ITS with 2 harmonics, DiD, chart; "
        "median of 5)"
    )
    print(f"  analysis, 20 units     {group_ms:6.0f} ms CPU")
    indicators = list(Indicator.objects.filter(organisation=None))
    start = time.process_time()
    one = reports.build(units=[units[0]], comparison=[units[39]], indicator=restraint, harmonics=2)
    reports.pdf([one], organisation_name=region.name)
    pdf_s = time.process_time() - start
    start, cpu = time.perf_counter(), time.process_time()
    regional = reports.build_all(
        units=units[:20],
        comparison=[units[39]],
        first=restraint,
        indicators=indicators,
        harmonics=2,
    )
    reports.pdf(regional, organisation_name=region.name)
    regional_s, regional_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  PDF, one unit          {pdf_s * 1000:6.0f} ms CPU (analysis and PDF)")
    print(
        f"  regional PDF, 20 units {regional_s:6.2f} s, {regional_cpu:.2f} s CPU "
        f"({len(regional)} indicators)"
    )


if __name__ == "__main__":
    main()
