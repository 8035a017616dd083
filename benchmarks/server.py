"""Benchmark (not a test): what a new server process and a chart page cost (issue 19).

1. Import time: a fresh `python -c "import django; django.setup(); import peerstod.urls"`
   (DEBUG=true), five runs, and which heavy libraries it loaded. `--tree DIR` measures
   another checkout of the code (for before/after) with this environment.
2. Charts: the activity report's two charts (12 months × 2 series, 12 categories),
   drawn with an empty chart cache and then taken from it (median of 7).
3. The activity report page as the demo's programme coordinator (demo data in a
   temporary SQLite database): with the chart cache emptied before each request (as
   every request was before charts were cached) and with it warm (median of 7).

    .venv/bin/python benchmarks/server.py
    .venv/bin/python benchmarks/server.py --tree /tmp/old-checkout --imports-only
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "numpy", "scipy", "pandas", "statsmodels", "openpyxl", "weasyprint")
IMPORT = (
    "import time, sys; t = time.perf_counter(); import django; django.setup(); "
    "import peerstod.urls; print(time.perf_counter() - t); "
    f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
)


def imports(tree: Path, runs: int = 5) -> None:
    env = {
        **os.environ,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "peerstod.settings",
        "PYTHONPATH": str(tree),
        "PEERSTOD_VAR_DIR": tempfile.mkdtemp(),
    }
    seconds, walls, loaded = [], [], ""
    subprocess.run([sys.executable, "-c", IMPORT], env=env, cwd=tree, check=True,
                   capture_output=True)  # fmt: skip  # compile the .pyc files first
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", IMPORT], env=env, cwd=tree, check=True, capture_output=True,
            text=True,
        ).stdout.splitlines()  # fmt: skip
        walls.append(time.perf_counter() - start)
        seconds.append(float(out[0]))
        loaded = out[1] if len(out) > 1 else ""
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"imports ({tree}):")
    print(f"  setup + URLconf: median {statistics.median(seconds):.2f} s, "
          f"range {min(seconds):.2f}–{max(seconds):.2f} s ({runs} runs)")  # fmt: skip
    print(f"  whole process:   median {statistics.median(walls):.2f} s; peak RSS {rss:.0f} MB")
    print(f"  heavy libraries loaded: {loaded or 'none'}")


def configure() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.update(
        DEBUG="false", HTTPS="false", STATIC_MANIFEST="false", ALLOWED_HOSTS="testserver",
        SITE_URL="http://testserver", PEERSTOD_VAR_DIR=tempfile.mkdtemp(),
        SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_SETTINGS_MODULE="peerstod.settings", LOG_REQUESTS="false",
    )  # fmt: skip
    import django

    django.setup()


def median_of(func, runs: int = 7, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def chart_functions() -> None:
    from django.core.cache import caches
    from django.utils import translation

    from peerstod.core import charts

    months = [f"2025-{m:02d}" for m in range(1, 13)]
    categories = [f"Kategori {i} med ett längre namn" for i in range(12)]

    def draw():
        charts.grouped_bars(months, {"I rollen": list(range(12)), "Utanför": list(range(12))})
        charts.horizontal_bars(categories, [i * 37 for i in range(12)])

    with translation.override("sv"):
        draw()  # matplotlib loaded and its fonts cached: not part of either figure
        cold = median_of(draw, before=caches["charts"].clear)
        warm = median_of(draw)
    print("activity report's two charts:")
    print(f"  drawn (empty cache): median {cold * 1000:.0f} ms")
    print(f"  cached:              median {warm * 1000:.2f} ms ({cold / warm:.0f}× faster)")


def page() -> None:
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from peerstod.accounts import strength
    from peerstod.accounts.models import User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"demo data: {time.perf_counter() - start:.0f} s")
    client = Client()
    client.force_login(User.objects.get(email="coordinator@example.org"))
    session = client.session
    session[strength.SESSION_KEY] = strength.TOTP
    session.save()

    def get():
        response = client.get("/arbete/rapport/")
        assert response.status_code == 200 and b"<svg" in response.content, response.status_code

    get()
    cold = median_of(get, before=caches["charts"].clear)
    warm = median_of(get)
    print("activity report page (/arbete/rapport/, coordinator, demo data, SQLite):")
    print(f"  charts drawn on every request: median {cold * 1000:.0f} ms")
    print(f"  charts cached:                 median {warm * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=REPO)
    parser.add_argument("--imports-only", action="store_true")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    imports(args.tree.resolve())
    if args.imports_only:
        return
    configure()
    chart_functions()
    page()


if __name__ == "__main__":
    main()
