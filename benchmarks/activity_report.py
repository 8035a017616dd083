"""Benchmark (not a test): the activity report over 2 million logged entries.

Seeds one organisation with 40 units and 200 peer supporters, 2,000,000 entries spread
over 24 months, and the monthly roll-up; then times the unit and organisation reports
(median of 7) and counts the queries of the report page.

    .venv/bin/python benchmarks/activity_report.py                      # SQLite (temp file)
    .venv/bin/python benchmarks/activity_report.py --postgres           # PostgreSQL
    .venv/bin/python benchmarks/activity_report.py --entries 200000     # smaller
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def configure(postgres: bool) -> str:
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ["DEBUG"] = "false"
    os.environ["HTTPS"] = "false"
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("SITE_URL", "http://testserver")
    if postgres:
        # A database of one's own when several benchmarks run on the machine at once.
        name = os.environ.get("PEERSTOD_BENCH_DB", "peerstod_bench")
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-qc",
                f"DROP DATABASE IF EXISTS {name}",
            ],
            check=True,
        )
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
            check=True,
        )
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        return "PostgreSQL"
    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "SQLite"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--entries", type=int, default=2_000_000)
    args = parser.parse_args()
    engine = configure(args.postgres)
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerstod.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q, Sum
    from django.test import Client
    from django.urls import reverse

    from peerstod.accounts.models import Membership, User
    from peerstod.orgs.models import Organisation, Unit
    from peerstod.people.models import Person
    from peerstod.work import reports
    from peerstod.work.models import ActivityEntry, ActivityMonth, Format

    call_command("migrate", verbosity=0)
    network = Organisation.objects.create(name="Nätverk", kind="network")
    region = Organisation.objects.create(name="Region", kind="region")
    Organisation.objects.filter(pk__in=[network.pk, region.pk]).update(root_id=None)
    units = Unit.objects.bulk_create(
        Unit(organisation=region, name=f"Avdelning {i}", kind="forensic") for i in range(40)
    )
    people = Person.objects.bulk_create(
        Person(network=network, full_name=f"Peer {i}", email=f"p{i}@bench.se") for i in range(200)
    )
    categories = [
        "conversation",
        "forum",
        "walk",
        "activity_recovery",
        "open_hour",
        "planning",
        "out_guarding",
    ]
    start = date(2024, 11, 1)
    seeded = time.perf_counter()
    batch = []
    for n in range(args.entries):
        batch.append(
            ActivityEntry(
                code=f"b{n}",
                person_id=people[n % 200].pk,
                unit_id=units[(n % 200) // 5].pk,
                day=start + timedelta(days=(n * 7919) % 730),
                category=categories[n % 7],
                format=Format.GROUP if n % 3 == 0 else Format.INDIVIDUAL,
                minutes=15 + (n % 8) * 15,
                participants=n % 6,
            )
        )
        if len(batch) == 20_000:
            ActivityEntry.objects.bulk_create(batch)
            batch = []
    ActivityEntry.objects.bulk_create(batch)
    # The roll-up as the services keep it, built here in one pass for the benchmark.
    from django.db.models.functions import TruncMonth

    rolled = (
        ActivityEntry.objects.annotate(month=TruncMonth("day"))
        .values("person_id", "unit_id", "month", "category")
        .annotate(
            entries=Count("id"),
            groups=Count("id", filter=Q(format=Format.GROUP)),
            minutes=Sum("minutes"),
            participants=Sum("participants"),
        )
    )
    ActivityMonth.objects.bulk_create(
        (
            ActivityMonth(
                person_id=r["person_id"],
                unit_id=r["unit_id"],
                month=r["month"],
                category=r["category"],
                entries=r["entries"],
                group_entries=r["groups"],
                minutes=r["minutes"],
                participants=r["participants"],
            )
            for r in rolled
        ),
        batch_size=5000,
    )
    seed_seconds = time.perf_counter() - seeded

    def timed(function, runs=7):
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            function()
            times.append(time.perf_counter() - began)
        return statistics.median(times)

    first, last = date(2025, 11, 1), date(2026, 10, 1)
    unit_time = timed(
        lambda: reports.build(
            ActivityMonth.objects.filter(unit=units[0]), first=first, last=last, suppress=True
        )
    )
    org_time = timed(
        lambda: reports.build(
            ActivityMonth.objects.filter(unit__in=units), first=first, last=last, suppress=True
        )
    )
    user = User.objects.create_user(
        "coordinator@bench.se", "benchmark-password-1", full_name="Samordnare"
    )
    Membership.objects.create(
        user=user, role="programme_coordinator", organisation=region, valid_from=date(2020, 1, 1)
    )
    client = Client()
    client.force_login(user)
    url = reverse("work:report") + "?fran=2025-11&till=2026-10"
    client.get(url)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200
    page_time = timed(lambda: client.get(url), runs=5)
    print(
        f"{engine}: {ActivityEntry.objects.count():,} entries, "
        f"{ActivityMonth.objects.count():,} roll-up rows, seeded in {seed_seconds:.0f} s"
    )
    print(f"  unit report (12 months): median {unit_time * 1000:.1f} ms")
    print(f"  organisation report (40 units, 12 months): median {org_time * 1000:.1f} ms")
    print(f"  report page: median {page_time * 1000:.0f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()
