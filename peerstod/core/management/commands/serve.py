import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Peerstöd with gunicorn, with the settings in peerstod/gunicorn_conf.py."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="address:port (default 127.0.0.1:8000, or BIND)")
        parser.add_argument("--workers", type=int, help="worker processes (WEB_CONCURRENCY)")

    def handle(self, *args, bind=None, workers=None, **options):
        arguments = [sys.executable, "-m", "gunicorn", "-c", "python:peerstod.gunicorn_conf"]
        if bind:
            arguments += ["--bind", bind]
        if workers:
            arguments += ["--workers", str(workers)]
        arguments.append("peerstod.wsgi:application")
        os.execv(sys.executable, arguments)  # noqa: S606 - replaces this process by gunicorn
