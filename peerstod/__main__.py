"""The `peerstod` console command: the project's manage.py, installed."""

import os
import secrets
import sys

# Commands that only compute (no database, no sessions, no mail) need no secret key:
# an analyst runs them in a plain shell.
COMPUTE_ONLY = {"match", "its"}
# Commands that answer web requests keep the database's statement timeout (settings.py,
# DATABASE_STATEMENT_TIMEOUT): a page the client gave up on stops. The others (migrate
# building an index over ten million rows, purge, the job worker) may take long on
# purpose and have no limit unless the environment sets one.
WEB = {"serve", "runserver"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerstod.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in COMPUTE_ONLY:
        if not os.environ.get("SECRET_KEY"):
            os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
        os.environ.setdefault("SITE_URL", "http://127.0.0.1")
    if command not in WEB:
        os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    # Django is imported only now: the environment above must be set before it loads.
    from django.core.exceptions import ImproperlyConfigured
    from django.db.utils import OperationalError  # as late, for the same reason

    try:
        # Inside the try: loading the settings may raise ImproperlyConfigured.
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A configuration mistake gets a sentence, not a traceback.
        sys.stderr.write(f"peerstod: configuration error: {error}\n")
        sys.exit(2)
    except OperationalError as error:
        # So does a database that cannot be reached (down, wrong host, user or password).
        reason = " ".join(str(error).split())
        sys.stderr.write(f"peerstod: the database cannot be used: {reason}\n")
        sys.exit(3)


if __name__ == "__main__":
    main()
