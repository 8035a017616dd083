"""Benchmark (not a test): every PDF a user asks for in the request, timed on a data set.

Issue #19: every PDF a user asks for comes in under 2 s, or is made by the background
job with the page saying so. The PDFs made in the request are timed here through the
app itself (Django's test client, production settings, the views, the cache), against a
database made by `peerstod synth` (the national set by default):

- the survey round's results report (`/enkater/omgang/<code>/resultat/?format=pdf`);
- the outcomes analysis report of one indicator (`/utfall/analys/?…&format=pdf`);
- a certificate (`/utbildning/intyg/<code>/`).

Slips for up to 30 codes are made in the request (44 ms a slip, benchmarks.md "#19
surveys"); the synthetic rounds are link rounds without slips.

The regional report on every indicator and more than 30 slips are jobs
(`outcomes.regional_pdf`, `surveys.slips`); their time is the job's, printed by
`benchmarks/server.py` and the job tests.

    .venv/bin/python benchmarks/pdfs.py                       # peerstod_synth_national
    .venv/bin/python benchmarks/pdfs.py --database-url postgres://…/peerstod_synth_region
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="peerstod.settings",
        DEBUG="false",
        SECRET_KEY="benchmark-" + "x" * 50,
        SITE_URL="https://peerstod.example.org",
        ALLOWED_HOSTS="*",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        DATABASE_URL=database_url,
        PEERSTOD_VAR_DIR=os.environ.get("PDF_VAR_DIR", tempfile.mkdtemp()),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    # As the web server's master does before it forks: the URLconf and the heavy
    # libraries loaded, so no timed PDF includes their import.
    from peerstod import gunicorn_conf

    gunicorn_conf.when_ready(None)


def client_for(email: str):
    from django.test import Client

    from peerstod.accounts import strength
    from peerstod.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    session = client.session
    session[strength.SESSION_KEY] = "totp"  # as after the second factor
    session.save()
    return client


def timed(client, method: str, path: str, data=None, runs: int = 3) -> tuple[list[float], int]:
    times, size = [], 0
    for _run in range(runs):
        started = time.perf_counter()
        if method == "get":
            answer = client.get(path, secure=True)
        else:
            answer = client.post(path, data, secure=True)
        times.append(time.perf_counter() - started)
        if answer.status_code != 200 or answer["Content-Type"] != "application/pdf":
            raise SystemExit(f"{path}: {answer.status_code} {answer.get('Content-Type')}")
        size = len(answer.content)
    return times, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/peerstod_synth_national"
    )
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    configure(args.database_url)
    from peerstod.people.models import Certification

    coordinator = client_for("synth.coordinator.r01@example.org")
    network = client_for("synth.network-coordinator@example.org")
    rows = []

    listing = coordinator.get("/enkater/", secure=True).content.decode()
    first_round = re.findall(r'href="/enkater/omgang/([^/"]+)/"', listing)[0]
    rows.append(
        (
            "survey results report",
            *timed(
                coordinator,
                "get",
                f"/enkater/omgang/{first_round}/resultat/?format=pdf",
                runs=args.runs,
            ),
        )
    )

    page = coordinator.get("/utfall/analys/", secure=True).content.decode()
    query = re.search(r'href="\?([^"]*)&amp;format=pdf"', page)
    if query is None:
        raise SystemExit("/utfall/analys/: no PDF link (no analysis shown)")
    link = "/utfall/analys/?" + query[1].replace("&amp;", "&") + "&format=pdf"
    rows.append(
        ("outcomes report, one indicator", *timed(coordinator, "get", link, runs=args.runs))
    )

    certification = Certification.objects.order_by("pk").first()
    rows.append(
        (
            "certificate",
            *timed(network, "get", f"/utbildning/intyg/{certification.code}/", runs=args.runs),
        )
    )

    print(f"# PDFs in the request, {time.strftime('%Y-%m-%d %H:%M %Z')}, {args.database_url}")
    print(f"{'PDF':<34} {'first':>9} {'again':>9} {'size':>9}")
    print(f"{'':<34} {'(drawn)':>9} {'(median)':>9}")
    for name, times, size in rows:
        print(
            f"{name:<34} {times[0] * 1000:>6.0f} ms "
            f"{statistics.median(times[1:] or times) * 1000:>6.0f} ms {size / 1000:>7.0f} kB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
