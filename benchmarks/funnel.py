"""Benchmark (not a test): the recruitment funnel at national size.

The funnel's figures are computed from one record per application (`funnel.records`,
two queries) and then suppressed together over every view a reader can pick
(`funnel.views` → `core.suppression.suppress_linked`). This times `funnel.views` on
fictional records spread over many calls, cohorts and years, without a database (the
queries do not grow with rows: tests/test_funnel_scale.py), at growing sizes, and then a
second reading of the same data through the cache (`reports.funnel_views`).

    .venv/bin/python benchmarks/funnel.py                 # 500, 2,000 and 5,000 applications
    .venv/bin/python benchmarks/funnel.py --sizes 1000 --calls 40
"""

import argparse
import os
import pickle
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activity_report import configure  # noqa: E402


def fictional(n: int, calls: int, years: int, seed: int = 1):
    """`n` records over `calls` calls (each in one year, of one of 21 principals), a
    cohort per call for those enrolled, with the endings the recruitment allows."""
    from peerstod.recruitment import funnel
    from peerstod.recruitment.models import DiscontinuedReason, NotAdmittedReason

    rng = random.Random(seed)
    found = []
    for i in range(n):
        call = i % calls
        level = min(int(rng.expovariate(0.45)), len(funnel.FUNNEL) - 1)
        ending = ("", "")
        if level in funnel.UNDER_WAY and rng.random() < 0.6:
            if level <= 2 and rng.random() < 0.7:
                reason = rng.choice(NotAdmittedReason.values)
                level = 1 if reason == NotAdmittedReason.NO_SHOW else level
                ending = ("not_admitted", reason)
            elif level == funnel.ENROLLED:
                ending = ("discontinued", rng.choice(DiscontinuedReason.values))
            elif level in funnel.WITHDRAWN_AT:
                ending = funnel.WITHDRAWN
        found.append(
            funnel.Record(
                call=call,
                organisation=call % 21,
                year=2020 + call % years,
                level=level,
                ending=ending,
                cohort=call if level >= funnel.ENROLLED else None,
                durations={"received": rng.uniform(1, 30)},
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--years", type=int, default=6)
    args = parser.parse_args()
    configure(False)
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerstod.settings"
    import django

    django.setup()
    from peerstod.recruitment import funnel

    print(f"funnel.views, {args.calls} calls over {args.years} years, 21 principals:")
    for n in args.sizes:
        records = fictional(n, args.calls, args.years)
        funnel.records = lambda _applications, found=records: found
        start, cpu = time.perf_counter(), time.process_time()
        every = funnel.views(
            None,
            calls=range(args.calls),
            organisations=range(21),
            cohorts=range(args.calls),
            years=range(2020, 2020 + args.years),
        )
        every.view(funnel.ALL)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        # What a page costs once the views are in the cache: reading them back.
        stored = pickle.dumps(every)
        again = time.process_time()
        pickle.loads(stored).view(funnel.ALL)
        again = time.process_time() - again
        print(
            f"  {n:>6,} applications: {wall:6.2f} s wall, {cpu:6.2f} s CPU to compute; "
            f"from the cache {again * 1000:.0f} ms CPU ({len(stored) / 1e3:.0f} kB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
