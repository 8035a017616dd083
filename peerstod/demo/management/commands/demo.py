from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peerstod.demo.base import load_demo


class Command(BaseCommand):
    help = "Load the demo organisations, units and accounts. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo creates accounts with a "
                "known password; give --force if you really want it here."
            )
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo loaded. Log in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Password for every demo account: {settings.DEMO_PASSWORD}")
        for account in accounts:
            role = account.role.label if account.role else _("Platform administrator")
            self.stdout.write(f"  {account.email:<36} {role}")
