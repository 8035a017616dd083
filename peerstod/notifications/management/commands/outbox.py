from django.core.management.base import BaseCommand

from peerstod.notifications.mail import deliver


class Command(BaseCommand):
    help = "Send the mail waiting in the outbox (run every few minutes)."

    def handle(self, *args, **options):
        counts = deliver()
        self.stdout.write(
            f"sent {counts['sent']}, waiting {counts['waiting']}, given up {counts['given_up']}"
        )
