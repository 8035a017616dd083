"""Retention purge (gallring): run daily by cron or a systemd timer.

Each record type's retention decision lives with its app; this command runs them all
and prints what was removed. Running it twice changes nothing the second time.
"""

from django.core.management.base import BaseCommand

from peerstod.recruitment import services as recruitment


class Command(BaseCommand):
    help = "Remove or anonymise personal data whose retention period has ended."

    def handle(self, *args, **options):
        removed = recruitment.purge()
        for what, count in removed.items():
            self.stdout.write(f"{what}: {count}")
