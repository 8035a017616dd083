"""`peerstod its CSV ...`: the interrupted time-series analysis for analysts, as JSON."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from peerstod.outcomes.its import SeriesError, analyse


class Command(BaseCommand):
    help = "Segmented quasi-Poisson regression of a monthly series; prints rate ratios."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("csv")
        parser.add_argument("--count", required=True)
        parser.add_argument("--offset", required=True)
        parser.add_argument("--time", required=True)
        parser.add_argument("--intervention", required=True)
        parser.add_argument("--month")
        parser.add_argument("--harmonics", type=int, default=0)
        parser.add_argument("--slope-change", action="store_true")
        parser.add_argument("--json", action="store_true", help="print JSON (the default)")

    def handle(self, *args, **options):
        wanted = [options["count"], options["offset"], options["time"], options["intervention"]]
        if options["month"]:
            wanted.append(options["month"])
        try:
            with open(options["csv"], newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as error:
            raise CommandError(f"Cannot read {options['csv']}: {error.strerror}") from error
        if not rows:
            raise CommandError("The file has no data rows.")
        missing = [c for c in wanted if c not in rows[0]]
        if missing:
            raise CommandError(f"Missing column(s): {', '.join(missing)}")
        data = {c: [] for c in wanted}
        for line, row in enumerate(rows, start=2):
            for column in wanted:
                try:
                    data[column].append(float(row[column]))
                except (TypeError, ValueError) as error:
                    raise CommandError(
                        f"line {line}, column {column}: not a number: {row[column]!r}"
                    ) from error
        try:
            result = analyse(
                data[options["count"]],
                data[options["offset"]],
                data[options["time"]],
                [int(v) for v in data[options["intervention"]]],
                month=[int(v) for v in data[options["month"]]] if options["month"] else None,
                harmonics=options["harmonics"],
                slope_change=options["slope_change"],
            )
        except SeriesError as error:
            raise CommandError(f"{error.where}: {error.message}") from error
        self.stdout.write(json.dumps(result.as_json(), indent=2))
