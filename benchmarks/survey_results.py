"""Benchmark (not a test): survey results, the rounds listing and printed slips at
national scale (issue 19).

For each size (default 50, 20,000 and 1,000,000 answers) one more organisation with
20 units gets two closed staff rounds of the shipped staff instrument: the first with
that many answers, the second with up to 20,000 (to compare with). The answers are
bulk-inserted in sealed groups of five (in SQL on PostgreSQL), then the round's
tallies are counted once as the services keep them. Printed are, per size: the
results page (median of 3, and its queries), the results alone (without the page's
charts), the comparison page, the rounds listing
(`/enkater/`, and the listing's query alone), and at the end slips per second.

    .venv/bin/python benchmarks/survey_results.py --postgres            # all three sizes
    .venv/bin/python benchmarks/survey_results.py --sizes 50,20000      # SQLite (temp file)

On PostgreSQL it uses (and first drops) the database `peerstod_surveys_bench`. Run on
the tree before issue 19 it measures the same pages the old way (no tallies).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activity_report import configure as shared_configure  # noqa: E402

DATABASE = "peerstod_surveys_bench"
UNITS = 20


def configure(postgres: bool) -> str:
    """The shared set-up of the benchmarks, on a database of this benchmark's own."""
    os.environ.setdefault("PEERSTOD_BENCH_DB", DATABASE)
    return shared_configure(postgres)


def median_ms(fn, times: int = 3) -> float:
    found = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        found.append(time.perf_counter() - start)
    return statistics.median(found) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--sizes", default="50,20000,1000000")
    parser.add_argument("--slips", type=int, default=60)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    engine = configure(args.postgres)
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerstod.settings"
    import django

    django.setup()
    import logging

    logging.getLogger("peerstod.request").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from peerstod.accounts import strength
    from peerstod.accounts.models import Membership, User
    from peerstod.accounts.scope import scope_for
    from peerstod.orgs.models import Organisation, Unit
    from peerstod.surveys import reports, selectors, services
    from peerstod.surveys.models import Instrument, Response, Round

    call_command("migrate", verbosity=0)
    instrument = Instrument.objects.get(organisation=None, key="staff-recovery")
    keys = [i.key for i in instrument.definition.items_for("staff") if i.scale]
    rebuild = getattr(services, "tallies_rebuild", None)

    def fill(survey_round: Round, units: list, count: int, seed: int) -> None:
        if connection.vendor == "postgresql":
            answers = ", ".join(f"'{k}', 1 + floor(random() * 5)::int" for k in keys)
            with connection.cursor() as cursor:
                cursor.execute("SELECT setseed(%s)", [seed / 1000])
                cursor.execute(
                    "INSERT INTO surveys_response "
                    '(id, round_id, unit_id, channel, language, answers, important, "group") '
                    "SELECT gen_random_uuid(), %s, (%s::int[])[1 + n %% %s], 'link', 'sv', "
                    f"jsonb_build_object({answers}), '[]'::jsonb, 1 + n / (5 * %s) "
                    "FROM generate_series(0, %s - 1) AS n",
                    [survey_round.pk, [u.pk for u in units], len(units), len(units), count],
                )
        else:
            rng = random.Random(seed)
            Response.objects.bulk_create(
                (
                    Response(
                        round=survey_round,
                        unit=units[n % len(units)],
                        channel="link",
                        group=1 + n // (5 * len(units)),
                        answers={k: rng.randint(1, 5) for k in keys},
                    )
                    for n in range(count)
                ),
                batch_size=5000,
            )
        if rebuild is not None:
            rebuild(survey_round=survey_round)

    print(f"{engine}: staff rounds over {UNITS} units, staff instrument ({len(keys)} items)")
    print(
        f"  {'answers':>10} | {'load':>8} | {'results page':>18} | {'results':>11} | "
        f"{'comparison':>11} | "
        f"{'/enkater/ page':>16} | {'listing query':>13}"
    )

    def one_size(index: int, size: int):
        region = Organisation.objects.create(name=f"Region {index}", kind="region")
        units = [
            Unit.objects.create(
                organisation=region, name=f"Avdelning {index}-{n}", kind="general_psychiatry"
            )
            for n in range(UNITS)
        ]
        rounds = []
        loaded = time.perf_counter()
        for number, count in ((1, size), (3, min(size, 20_000))):
            survey_round = Round.objects.create(
                organisation=region,
                instrument=instrument,
                audience="staff",
                number=number,
                title=f"Omgång {number}",
                opens_on=date(2025, number, 1),
                closes_on=date(2025, number, 28),
                channels=["link", "slip"],
            )
            survey_round.units.set(units)
            fill(survey_round, units, count, seed=index * 10 + number)
            rounds.append(survey_round)
        loaded = time.perf_counter() - loaded
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        user = User.objects.create_user(email=f"bench{index}@example.org", password=None)
        Membership.objects.create(user=user, role="programme_coordinator", organisation=region)
        client = Client()
        client.force_login(user)
        session = client.session
        session[strength.SESSION_KEY] = strength.TOTP  # as after a second factor
        session.save()

        def page(url):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(captured)

        results_url = reverse("surveys:results", args=[rounds[0].code])
        compare_url = reverse("surveys:compare", args=[rounds[0].code])
        listing_url = reverse("surveys:index")
        page(results_url)  # warm: charts, templates, the instrument
        results_ms = median_ms(lambda: page(results_url))
        results_queries = page(results_url)
        computed_ms = median_ms(lambda: reports.round_results(survey_round=rounds[0]))
        compare_ms = median_ms(lambda: page(f"{compare_url}?med={rounds[1].code}"))
        listing_ms = median_ms(lambda: page(listing_url))
        listing_queries = page(listing_url)
        scope = scope_for(user)
        query_ms = median_ms(lambda: list(selectors.rounds(scope=scope)), times=5)
        print(
            f"  {size:>10,} | {loaded:>6.1f} s | {results_ms:>8.0f} ms, {results_queries:>2} q | "
            f"{computed_ms:>8.1f} ms | "
            f"{compare_ms:>8.0f} ms | {listing_ms:>7.0f} ms, {listing_queries:>2} q | "
            f"{query_ms:>10.1f} ms"
        )

        return rounds, units

    for index, size in enumerate(sizes):
        rounds, units = one_size(index, size)

    # Slips: the PDF of `--slips` slips as the page (or the job) makes it.
    survey_round = rounds[0]
    codes = services.slip_codes(args.slips, "")
    reports.slips_pdf(survey_round=survey_round, unit=units[0], codes=codes[:6])
    start = time.perf_counter()
    pdf = reports.slips_pdf(survey_round=survey_round, unit=units[0], codes=codes)
    took = time.perf_counter() - start
    print(
        f"  slips: {args.slips} in {took:.2f} s = {args.slips / took:.1f} slips/s "
        f"({1000 * took / args.slips:.0f} ms a slip, {len(pdf) / 1024:.0f} kB)"
    )


if __name__ == "__main__":
    main()
