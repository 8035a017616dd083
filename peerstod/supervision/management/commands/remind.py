from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from peerstod.supervision import reminders


class Command(BaseCommand):
    help = "Send today's reminders (supervision overdue, self-assessment, past-due actions)."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            sent = reminders.run(timezone.localdate())
        for what, count in sent.items():
            self.stdout.write(f"{what}: {count}")
