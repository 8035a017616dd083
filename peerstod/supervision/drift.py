"""The drift signal: is a peer supporter losing the unique role ("peer drifting")?

Green, amber or red, with every reason shown. Four sources: (a) the share of logged
time in tasks outside the peer role this month, (b) the self-assessment trend over
three months, (c) weeks since the last supervision session held, (d) being the only
peer supporter on the unit. Thresholds are settings (`DRIFT`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.core.periods import valid_on
from peerstod.core.suppression import TOTAL, Cell, suppress_by_people
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.supervision.models import SessionStatus
from peerstod.work.categories import OUTSIDE_ROLE
from peerstod.work.models import ActivityEntry


class Level(IntEnum):
    GREEN = 0
    AMBER = 1
    RED = 2

    @property
    def label(self) -> str:
        return {0: _("Green"), 1: _("Amber"), 2: _("Red")}[self.value]

    @property
    def css(self) -> str:
        return {0: "ok", 1: "warn", 2: "bad"}[self.value]


@dataclass(frozen=True)
class Reason:
    key: str
    level: Level
    text: str


@dataclass(frozen=True)
class Signal:
    level: Level
    reasons: list[Reason]


# The share outside the role is read over the last four weeks, not the calendar month:
# on the 2nd of a month one day's work would make any task outside the role look huge.
OUTSIDE_WINDOW_DAYS = 28


def _outside_share(person: Person, today: date) -> Reason | None:
    rows = ActivityEntry.objects.filter(
        person=person, day__gt=today - timedelta(days=OUTSIDE_WINDOW_DAYS), day__lte=today
    )
    total = rows.aggregate(m=Sum("minutes"))["m"] or 0
    outside = (
        rows.filter(category__in=[c.value for c in OUTSIDE_ROLE]).aggregate(m=Sum("minutes"))["m"]
        or 0
    )
    if not total or not outside:
        return None
    share = outside / total
    limits = settings.DRIFT
    level = (
        Level.RED
        if share >= limits["outside_share_red"]
        else Level.AMBER
        if share >= limits["outside_share_amber"]
        else None
    )
    if level is None:
        return None
    return Reason(
        "outside_role",
        level,
        _(
            "%(hours)s hours outside the peer role in the last four weeks "
            "(%(share)d %% of logged time)."
        )
        % {"hours": f"{outside / 60:g}".replace(".", ","), "share": round(100 * share)},
    )


def last_supervision(person: Person):
    session = (
        person.supervision_sessions.filter(status=SessionStatus.HELD).order_by("-starts_at").first()
    )
    return session.starts_at if session else None


def _supervision(person: Person, today: date) -> Reason | None:
    last = last_supervision(person)
    limits = settings.DRIFT
    if last is None:
        return Reason("supervision", Level.AMBER, _("No supervision session recorded yet."))
    weeks = (today - timezone.localdate(last)).days // 7
    level = (
        Level.RED
        if weeks >= limits["supervision_weeks_red"]
        else Level.AMBER
        if weeks >= limits["supervision_weeks_amber"]
        else None
    )
    if level is None:
        return None
    return Reason("supervision", level, _("No supervision for %(weeks)d weeks.") % {"weeks": weeks})


def _self_assessment(person: Person, today: date) -> Reason | None:
    recent = list(
        person.self_assessments.filter(
            month__gte=(today.replace(day=1) - timedelta(days=95)).replace(day=1)
        )
        .order_by("month")
        .values_list("score", flat=True)
    )
    if len(recent) < 2:
        return None
    drop = float(recent[0]) - float(recent[-1])
    limits = settings.DRIFT
    level = (
        Level.RED
        if drop >= limits["self_assessment_drop_red"]
        else Level.AMBER
        if drop >= limits["self_assessment_drop_amber"]
        else None
    )
    if level is None:
        return None
    return Reason(
        "self_assessment",
        level,
        _("Your self-assessment has fallen from %(first)s to %(last)s.")
        % {"first": recent[0], "last": recent[-1]},
    )


def _alone(person: Person, today: date) -> Reason | None:
    current = valid_on(today, "starts_on", "ends_on")
    units = list(
        Employment.objects.filter(current, person=person).values_list("unit_id", flat=True)
    )
    if not units:
        return None
    others = Employment.objects.filter(current, unit_id__in=units).exclude(person=person)
    if others.exists():
        return None
    return Reason("alone", Level.AMBER, _("You are the only peer supporter on your unit."))


def signal(person: Person, today: date | None = None) -> Signal:
    today = today or timezone.localdate()
    reasons = [
        r
        for r in (
            _outside_share(person, today),
            _self_assessment(person, today),
            _supervision(person, today),
            _alone(person, today),
        )
        if r
    ]
    level = max((r.level for r in reasons), default=Level.GREEN)
    return Signal(Level(level), reasons)


@dataclass(frozen=True)
class CountsRow:
    organisation: str
    cells: list  # core.suppression.Cell per Level, in Level order
    total: object  # Cell


def counts_table(counts: Mapping[tuple[str, Any], int], columns=None) -> list[CountsRow]:
    """The network coordinator's table of drift signals per organisation (rows) and
    level (columns), with each organisation's total.

    A signal is about one person, so an organisation where 1 to threshold-1 of the
    network's peer supporters work shows none of its figures, not even its zeros (that
    nobody there is red would otherwise tell each of them is not); a lone hidden figure
    in a row or column gets a second one hidden (`work.by_people`). `columns`: other
    columns than the levels (the start page's overdue table: True, False)."""
    organisations = sorted({name for name, _level in counts})
    levels = list(Level) if columns is None else list(columns)
    values = {key: n for key, n in counts.items()}
    row_people = {o: sum(counts.get((o, lv), 0) for lv in levels) for o in organisations}
    column_people = {lv: sum(counts.get((o, lv), 0) for o in organisations) for lv in levels}
    table = suppress_by_people(
        rows=organisations,
        columns=levels,
        values=values,
        people=values,
        row_people=row_people,
        column_people=column_people,
        total_people=sum(row_people.values()),
    )

    def cell(row, column, value: int) -> Cell:
        hidden = table.hidden.get((row, column))
        return Cell(None, hidden) if hidden else Cell(value)

    return [
        CountsRow(
            o,
            [cell(o, lv, counts.get((o, lv), 0)) for lv in levels],
            cell(o, TOTAL, row_people[o]),
        )
        for o in organisations
    ]
