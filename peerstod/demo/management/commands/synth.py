import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from peerstod.accounts.roles import Role
from peerstod.demo import synth


class Command(BaseCommand):
    help = (
        "Make the fictional national (or regional) data set for load benchmarks: "
        "organisations, units, peer supporters, millions of activity entries, survey "
        "answers, indicators and forum minutes. Runs once on a database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(synth.SCALES), default="region")
        parser.add_argument("--seed", type=int, default=19, help="The same seed, the same rows.")
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="Make only this share of the activity entries and survey answers "
            "(to measure the generation time on a part and extrapolate).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args, scale: str, seed: int, fraction: float, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. The synthetic data set creates "
                "accounts with a known password; give --force if you really want it here."
            )
        chosen = synth.scaled(synth.SCALES[scale], fraction)
        self.stdout.write(
            f"Making the {scale} data set (seed {seed}): {chosen.entries:,} activity entries, "
            f"{chosen.answers:,} survey answers …"
        )
        started = time.monotonic()
        try:
            logins, counts = synth.load_synth(scale=chosen, seed=seed, write=self.stdout.write)
        except ValueError as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(synth.table(counts))
        self.stdout.write(
            self.style.SUCCESS(f"Synthetic data set made in {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(f"Password for every login account: {settings.DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.email:<44} {Role(login.role).label}")
