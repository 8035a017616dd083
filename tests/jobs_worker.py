"""Running the real database worker inside a test: what is queued is run, then it stops."""

from unittest import mock

from django.core.management import call_command


def run_queued_jobs():
    # The worker drops a connection that is not in autocommit mode between jobs, as a
    # request does; the test's transaction is such a connection, and must stay open
    # (on PostgreSQL the test would otherwise go on with a closed connection).
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
