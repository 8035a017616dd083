from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from peerstod.notifications.schedule import run_all


class Command(BaseCommand):
    help = (
        "Send today's reminders, each app's (supervision overdue, self-assessment, "
        "past-due actions, unacknowledged forum minutes)."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            sent = run_all(timezone.localdate())
        for what, count in sent.items():
            self.stdout.write(f"{what}: {count}")
