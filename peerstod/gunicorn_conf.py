"""gunicorn settings for production (`peerstod serve` uses them; or
`gunicorn -c python:peerstod.gunicorn_conf peerstod.wsgi`). Each can be overridden by
the environment, e.g. WEB_CONCURRENCY=9."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: 2 per core + 1 (gunicorn's own advice); the app is CPU- and database-bound.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that runs longer than this is stopped and its worker replaced; long jobs
# (large PDFs and imports) belong in the background (`peerstod worker`), not in a
# request. A few seconds past the database's statement timeout (settings.py,
# DATABASE_STATEMENT_TIMEOUT), so a slow query is stopped by PostgreSQL first and the
# page gets its error; what runs past both is work the client has long given up on.
_statement_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT") or 30)
timeout = int(
    os.environ.get("GUNICORN_TIMEOUT") or (_statement_timeout + 5 if _statement_timeout else 60)
)
graceful_timeout = 30
keepalive = 5
# Load the app once before forking: workers start at once and share memory.
preload_app = True


# The libraries that pages load when they first draw a chart, make a PDF, fit a model or
# read a spreadsheet. The app imports them only there, so commands, tests and the job
# worker start without them; the web server's master imports them once before it forks,
# so that no worker's first PDF waits 2–3 s for them (measured on the national set) and
# every worker shares their memory.
PRELOADED = (
    "matplotlib.pyplot",
    "weasyprint",
    "statsmodels.api",
    "statsmodels.stats.meta_analysis",
    "scipy.stats",
    "openpyxl",
)


def when_ready(server):
    """In the master, before the first worker: import the URLconf and every view (Django
    does it only at the first request), and the heavy libraries (PRELOADED). Each worker
    then starts with them loaded, shared with the master, instead of importing them
    itself while its first request waits."""
    import importlib  # the app is loaded (preload_app) before any of this

    from django.urls import get_resolver  # as late, for the same reason

    from peerstod.core import charts  # as late, for the same reason

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    charts.load()  # matplotlib with its backend chosen, before pyplot
    for module in PRELOADED:
        importlib.import_module(module)


def pre_fork(server, worker):
    """Nothing the master opened while loading the app may be shared by two workers: a
    database connection used by two processes at once mixes their answers. Loading the
    app opens none today (measured, docs/dev/benchmarks.md); this keeps it so."""
    from django.db import connections  # the app is loaded (preload_app) before any fork

    connections.close_all()


# Restart workers now and then so that no slow leak grows for years.
max_requests = 2000
max_requests_jitter = 200
# The app logs one line per request itself, by URL pattern (core/logs.py): gunicorn's
# access log would write raw paths, which can hold tokens and codes.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
