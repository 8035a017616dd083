"""`peerstod worker`: runs the background jobs (peerstod.jobs) queued in the database.

A wrapper of django-tasks-db's `db_worker` with the options production wants: no code
reloading, a unique id per process, a short wait between looks at the queue, and a
restart now and then (systemd starts it again, see deploy/peerstod-worker.service). Run
one or more beside the web server; two workers never take the same job (the queue
row is claimed under SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL)."""

import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from peerstod.jobs import services


class Command(BaseCommand):
    help = "Run the background jobs (PDFs, imports) queued by the web server."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait before looking at an empty queue again (default 1)",
        )
        parser.add_argument(
            "--max-jobs",
            type=int,
            default=500,
            help="jobs to run before the process exits to be started again (default 500)",
        )
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")

    def handle(self, *args, interval, max_jobs, batch, **options):
        if settings.TASKS_BACKEND != "database":
            raise CommandError(
                "TASKS_BACKEND is immediate: jobs run in the request and there is nothing "
                "for a worker to do. Set TASKS_BACKEND=database for the web server and "
                "the worker."
            )
        # Jobs a worker left running when it died are shown as failed to try again.
        lost = services.jobs_fail_lost()
        if lost and options["verbosity"]:
            self.stdout.write(f"jobs lost by a stopped worker, marked failed: {lost}")
        call_command(
            "db_worker",
            interval=interval,
            max_tasks=max_jobs if max_jobs > 0 else None,
            batch=batch,
            reload=False,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:63],
            startup_delay=not batch,
            verbosity=options["verbosity"],
        )
