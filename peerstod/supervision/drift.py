"""The drift signal: is a peer supporter losing the unique role ("peer drifting")?

Green, amber or red, with every reason shown. Four sources: (a) the share of logged
time in tasks outside the peer role this month, (b) the self-assessment trend over
three months, (c) weeks since the last supervision session held, (d) being the only
peer supporter on the unit. Thresholds are settings (`DRIFT`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peerstod.core.periods import valid_on
from peerstod.core.suppression import TOTAL, Cell, suppress_by_people
from peerstod.people.models import Person
from peerstod.placement.models import Employment
from peerstod.supervision.models import SelfAssessment, Session, SessionStatus
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
    last_supervision: datetime | None = None  # when the last held session began


# The share outside the role is read over the last four weeks, not the calendar month:
# on the 2nd of a month one day's work would make any task outside the role look huge.
OUTSIDE_WINDOW_DAYS = 28


@dataclass
class _Facts:
    """What the signal of one person is computed from, read for many people at once."""

    total: int = 0  # minutes logged in the window
    outside: int = 0  # of which outside the role
    last: datetime | None = None  # the last held supervision
    scores: list = field(default_factory=list)  # self-assessments, oldest first
    units: set = field(default_factory=set)  # units worked on today
    alone: bool = False  # nobody else works on any of them today


def _outside_share(facts: _Facts) -> Reason | None:
    total, outside = facts.total, facts.outside
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
    return last_supervisions([person.pk]).get(person.pk)


def last_supervisions(person_ids: Iterable[int]) -> dict[int, datetime]:
    """When each person's last held supervision session began, in one query: person id
    → start (nobody without one)."""
    found = (
        Session.objects.filter(status=SessionStatus.HELD, participants__in=list(person_ids))
        .values_list("participants")
        .annotate(last=Max("starts_at"))
        .order_by()
    )
    return dict(found)


def _supervision(facts: _Facts, today: date) -> Reason | None:
    last = facts.last
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


def _self_assessment(facts: _Facts) -> Reason | None:
    recent = facts.scores
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


def _alone(facts: _Facts) -> Reason | None:
    if not facts.units or not facts.alone:
        return None
    return Reason("alone", Level.AMBER, _("You are the only peer supporter on your unit."))


def _facts(person_ids: list[int], today: date) -> dict[int, _Facts]:
    """Every person's facts in five queries, however many people."""
    facts = {pk: _Facts() for pk in person_ids}
    logged = (
        ActivityEntry.objects.filter(
            person_id__in=person_ids,
            day__gt=today - timedelta(days=OUTSIDE_WINDOW_DAYS),
            day__lte=today,
        )
        .values_list("person_id")
        .annotate(
            total=Sum("minutes"),
            outside=Sum(
                "minutes", filter=Q(category__in=[c.value for c in OUTSIDE_ROLE]), default=0
            ),
        )
        .order_by()
    )
    for pk, total, outside in logged:
        facts[pk].total, facts[pk].outside = total or 0, outside or 0
    for pk, last in last_supervisions(person_ids).items():
        facts[pk].last = last
    since = (today.replace(day=1) - timedelta(days=95)).replace(day=1)
    scores = (
        SelfAssessment.objects.filter(person_id__in=person_ids, month__gte=since)
        .order_by("person_id", "month")
        .values_list("person_id", "score")
    )
    for pk, score in scores:
        facts[pk].scores.append(score)
    current = valid_on(today, "starts_on", "ends_on")
    for pk, unit in Employment.objects.filter(current, person_id__in=person_ids).values_list(
        "person_id", "unit_id"
    ):
        facts[pk].units.add(unit)
    units = {unit for f in facts.values() for unit in f.units}
    working: dict[int, set[int]] = {}
    for unit, pk in Employment.objects.filter(current, unit_id__in=units).values_list(
        "unit_id", "person_id"
    ):
        working.setdefault(unit, set()).add(pk)
    for pk, f in facts.items():
        f.alone = not any(working.get(unit, set()) - {pk} for unit in f.units)
    return facts


def signals(person_ids: Iterable[int], today: date | None = None) -> dict[int, Signal]:
    """The drift signal of each person (person id → Signal), read in a fixed number of
    queries whatever the number of people: the network's overview counts a thousand."""
    today = today or timezone.localdate()
    facts = _facts(list(person_ids), today)
    found = {}
    for pk, f in facts.items():
        reasons = [
            r
            for r in (_outside_share(f), _self_assessment(f), _supervision(f, today), _alone(f))
            if r
        ]
        level = max((r.level for r in reasons), default=Level.GREEN)
        found[pk] = Signal(Level(level), reasons, f.last)
    return found


def signal(person: Person, today: date | None = None) -> Signal:
    return signals([person.pk], today)[person.pk]


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
