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
# (large PDFs and imports) belong in the background, not in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Load the app once before forking: workers start at once and share memory.
preload_app = True
# Restart workers now and then so that no slow leak grows for years.
max_requests = 2000
max_requests_jitter = 200
# The app logs one line per request itself, by URL pattern (core/logs.py): gunicorn's
# access log would write raw paths, which can hold tokens and codes.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
