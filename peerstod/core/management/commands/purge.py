"""Retention purge (gallring): run daily by cron or a systemd timer.

Each record type's retention decision lives with its app (`<app>/retention.py`); this
command runs them all and prints what was removed. Running it twice changes nothing the
second time.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from peerstod.core.retention import purge_all


class Command(BaseCommand):
    help = "Remove or anonymise personal data whose retention period has ended."

    def handle(self, *args, **options):
        for what, count in purge_all(timezone.now()).items():
            self.stdout.write(f"{what}: {count}")
