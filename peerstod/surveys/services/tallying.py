"""Adding a sealed group to the round's tallies (see tallies.py): in the sealing
transaction, by increment, one statement a table. Also the rebuild of a round's
tallies from its answers, for data loaded in bulk past the services."""

from __future__ import annotations

from django.db import connection

from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.surveys import actions, tallies
from peerstod.surveys.models import GroupTally, OptionTally, Response, Round, ScoreTally


def _upsert(model, keys: list[str], sums: list[str], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO UPDATE adding to the sums (PostgreSQL and SQLite)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [*keys, *sums])
    one = "(" + ", ".join(["%s"] * (len(keys) + len(sums))) + ")"
    added = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in sums)
    # Table and column names are the models' own, quoted; every value is a parameter.
    values = ", ".join([one] * len(rows))
    conflict = ", ".join(quote(k) for k in keys)
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({conflict}) "  # noqa: S608
    sql += f"DO UPDATE SET {added}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def _add_counts(survey_round: Round, counts: tallies.Counts) -> None:
    """Add counts (of whole groups only) to the round's tallies. Called inside a use
    case that holds the round's lock."""
    round_id = survey_round.pk
    _upsert(
        GroupTally,
        ["round_id", "unit_id", "channel"],
        ["answers"],
        [(round_id, unit, channel, n) for (unit, channel), n in sorted(counts.channels.items())],
    )
    _upsert(
        ScoreTally,
        ["round_id", "unit_id", "subscale"],
        ["n", "total", "squares"],
        [
            (round_id, unit, key, s.n, s.total, s.squares)
            for (unit, key), s in sorted(counts.scores.items())
        ],
    )
    _upsert(
        OptionTally,
        ["round_id", "unit_id", "item", "value"],
        ["n"],
        [(round_id, *key, n) for key, n in sorted(counts.options.items())],
    )


@use_case
def tallies_rebuild(*, survey_round: Round, actor=None) -> tallies.Counts:
    """Count a round's sealed answers again into its tallies (after a bulk load of
    answers, e.g. a synthetic data set). Waiting answers stay out, as always."""
    locked = Round.objects.select_for_update().get(pk=survey_round.pk)
    definition = locked.instrument.definition
    for model in (GroupTally, ScoreTally, OptionTally):
        model.objects.filter(round=locked).delete()
    rows = Response.objects.filter(round=locked, group__isnull=False).values(
        "unit_id", "channel", "answers", "important"
    )
    counts = tallies.count(definition, rows.iterator(chunk_size=5000))
    _add_counts(locked, counts)
    audit.record(
        actor=actor,
        action=actions.TALLIES_REBUILT,
        obj=locked,
        organisation=locked.organisation,
    )
    return counts
