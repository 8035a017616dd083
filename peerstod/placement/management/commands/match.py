"""`peerstod match INPUT.json`: the matching solver for analysts, input and output as JSON."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from peerstod.placement.matching import MatchingInputError, parse, solve


class Command(BaseCommand):
    help = "Compute the peer-optimal stable matching for a JSON file of peers and positions."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("input", help="JSON file, or - for standard input")

    def handle(self, *args, input: str, **options):
        try:
            if input == "-":
                data = json.load(sys.stdin)
            else:
                with open(input, encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {input}: {error.strerror}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"Not valid JSON: {error}") from error
        try:
            peers, positions = parse(data)
        except MatchingInputError as error:
            raise CommandError(f"Invalid input at {error.field}: {error.message}") from error
        result = solve(peers, positions)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
