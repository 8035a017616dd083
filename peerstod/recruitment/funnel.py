"""The recruitment funnel: how many reached each step, conversion, time in each step,
and why people left. Counted from the application steps, which outlive purges.

Every view a reader can ask for (everything they may count, each organisation, call,
cohort and year) is computed together and suppressed together
(`core.suppression.suppress_linked`), so that no hidden number of one view can be
worked out from the others: not everything minus the other calls, not an organisation
minus its calls, not a step minus the reasons of those who left before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from statistics import median

from django.db.models import QuerySet
from django.utils import timezone

from peerstod.core.suppression import Cell, Linked, Slice, suppress_linked, threshold
from peerstod.recruitment.models import (
    Application,
    ApplicationEvent,
    DiscontinuedReason,
    NotAdmittedReason,
    Step,
)

# The funnel's steps, in order. "Applied" is the received step.
FUNNEL = [
    Step.RECEIVED,
    Step.SCREENED,
    Step.INTERVIEWED,
    Step.ADMITTED,
    Step.ENROLLED,
    Step.COMPLETED,
    Step.CERTIFIED,
    Step.EMPLOYED,
]
LEVEL = {step.value: index for index, step in enumerate(FUNNEL)}
# A booked interview lies between screening and the interview: as far as "screened".
LEVEL[Step.INTERVIEW_BOOKED.value] = LEVEL[Step.SCREENED.value]
ENROLLED = LEVEL[Step.ENROLLED.value]
# Where each ending can happen (NEXT_STEPS and WITHDRAWABLE in services): not admitted
# before admission, a missed interview only once it was booked, discontinued in training,
# withdrawn up to and during training.
NOT_ADMITTED_AT = {reason: (0, 1, 2) for reason in NotAdmittedReason.values}
NOT_ADMITTED_AT[NotAdmittedReason.NO_SHOW.value] = (1,)
WITHDRAWN_AT = (0, 1, 2, 3, 4)
# Steps where an application may still be under way (not a final state).
UNDER_WAY = (0, 1, 2, 3, 4, 5)

# Measures: the steps, then the endings.
STEPS = [("step", step.value) for step in FUNNEL]
NOT_ADMITTED = [("not_admitted", reason) for reason in NotAdmittedReason.values]
DISCONTINUED = [("discontinued", reason) for reason in DiscontinuedReason.values]
WITHDRAWN = ("withdrawn", "")
ALL = ("all", "")


@dataclass(frozen=True)
class Record:
    """One application as the funnel counts it."""

    call: int
    organisation: int
    year: int
    level: int  # the furthest funnel step reached
    ending: tuple[str, str]  # ("not_admitted", reason), ("discontinued", …), ("withdrawn", "")
    cohort: int | None  # the cohort it was enrolled in
    durations: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def group(self) -> tuple[int, int]:
        return (self.call, self.year)

    @property
    def category(self) -> tuple[int, tuple[str, str], int | None]:
        return (self.level, self.ending, self.cohort)


def records(applications: QuerySet[Application]) -> list[Record]:
    """Read the applications and their steps once (two queries)."""
    rows = applications.values_list(
        "id", "call_id", "call__principal_id", "cohort_id", "submitted_at"
    )
    events = (
        ApplicationEvent.objects.filter(application__in=applications)
        .order_by("application_id", "at", "id")
        .values_list("application_id", "step", "at", "reason")
    )
    level: dict[int, int] = defaultdict(int)
    ending: dict[int, tuple[str, str]] = {}
    durations: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    previous: dict[int, tuple[str, object]] = {}
    for application_id, step, at, reason in events:
        if step in LEVEL:
            level[application_id] = max(level[application_id], LEVEL[step])
        if step == Step.NOT_ADMITTED:
            ending[application_id] = ("not_admitted", reason)
        elif step == Step.DISCONTINUED:
            ending[application_id] = ("discontinued", reason)
        elif step == Step.WITHDRAWN:
            ending[application_id] = ("withdrawn", "")
        if application_id in previous:
            prior_step, prior_at = previous[application_id]
            # A booked interview is part of the screened step's time.
            if prior_step == Step.INTERVIEW_BOOKED:
                prior_step = Step.SCREENED.value
            days = (at - prior_at).total_seconds() / 86400
            durations[application_id][prior_step].append(days)
        previous[application_id] = (step, at)
    found = []
    for application_id, call_id, organisation_id, cohort_id, submitted_at in rows:
        reached = level[application_id]
        found.append(
            Record(
                call=call_id,
                organisation=organisation_id,
                year=timezone.localtime(submitted_at).year,
                level=reached,
                ending=ending.get(application_id, ("", "")),
                cohort=cohort_id if reached >= ENROLLED else None,
                durations={step: sum(times) for step, times in durations[application_id].items()},
            )
        )
    return found


def counts(applications: QuerySet[Application]) -> dict[Step, int]:
    """How many reached each step, exactly: for checks and tests, never shown."""
    found = records(applications)
    return {step: sum(r.level >= LEVEL[step.value] for r in found) for step in FUNNEL}


# What a reader is assumed to know ------------------------------------------------------


def _possible(found: list[Record]) -> dict[tuple[int, int], dict]:
    """Each group's possible categories with their counts (0 where possible but empty).

    A reader knows how the recruitment works (where each ending can happen), which
    cohorts each call fed (from the calls' and cohorts' dates), and whether anything is
    still under way (the 2019 call is long decided): those are given as impossible where
    nothing happened. Everything else that could have happened is a possible 0."""
    grid: dict[tuple[int, int], dict] = defaultdict(lambda: defaultdict(int))
    fed: dict[int, set[int | None]] = defaultdict(set)
    for record in found:
        grid[record.group][record.category] += 1
        if record.level >= ENROLLED:
            fed[record.call].add(record.cohort)
    for group, cells in grid.items():
        call = group[0]
        for level in range(len(FUNNEL)):
            cohorts = fed[call] if level >= ENROLLED else {None}
            endings: list[tuple[str, str]] = []
            if level not in UNDER_WAY:
                endings.append(("", ""))  # certified or employed: an end of its own
            if level in WITHDRAWN_AT:
                endings.append(WITHDRAWN)
            endings += [m for m in NOT_ADMITTED if level in NOT_ADMITTED_AT[m[1]]]
            if level == ENROLLED:
                endings += DISCONTINUED
            for cohort in cohorts:
                for ending in endings:
                    cells.setdefault((level, ending, cohort), 0)
    return {group: dict(cells) for group, cells in grid.items()}


def _measures(categories: Iterable[tuple]) -> dict[Hashable, list]:
    categories = list(categories)
    measures: dict[Hashable, list] = {
        ("step", step.value): [c for c in categories if c[0] >= index]
        for index, step in enumerate(FUNNEL)
    }
    for ending in [*NOT_ADMITTED, *DISCONTINUED, WITHDRAWN]:
        measures[ending] = [c for c in categories if c[1] == ending]
    return measures


# The published figures -----------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    step: Step
    count: Cell
    conversion: float | None  # share of the step before, 0–1, when both are shown
    median_days: float | None  # median days in this step, from at least the threshold


@dataclass(frozen=True)
class Funnel:
    rows: list[FunnelRow]
    not_admitted: list[tuple[str, Cell]]
    discontinued: list[tuple[str, Cell]]
    withdrawn: Cell

    def count(self, step: Step) -> int | None:
        return next(row.count.value for row in self.rows if row.step == step)


@dataclass
class Views:
    """Every view of a reader's funnel, suppressed together."""

    linked: Linked
    records: list[Record]
    members: dict[Hashable, list[Record]]

    def view(self, key: Hashable) -> Funnel:
        cells = self.linked[key]
        return _funnel(cells, self.members[key], self.linked.threshold)


def views(
    applications: QuerySet[Application],
    *,
    calls: Iterable[int] = (),
    organisations: Iterable[int] = (),
    cohorts: Iterable[int] = (),
    years: Iterable[int] = (),
    limit: int | None = None,
) -> Views:
    """Every view a reader can pick, computed and suppressed together: everything in
    `applications` (ALL), and ("call", id), ("organisation", id), ("cohort", id),
    ("year", year) for those given. Records in no view a reader can pick (in a cohort
    they cannot choose) still count in everything, and are protected as a group."""
    found = records(applications)
    grid = _possible(found)
    categories = list(dict.fromkeys(c for cells in grid.values() for c in cells))
    groups = list(grid)
    cohorts, calls = list(dict.fromkeys(cohorts)), list(dict.fromkeys(calls))
    organisations, years = list(dict.fromkeys(organisations)), list(dict.fromkeys(years))
    organisation_of = {r.call: r.organisation for r in found}
    slices: dict[Hashable, Slice] = {ALL: Slice(groups)}
    members: dict[Hashable, list[Record]] = {ALL: found}
    for organisation in organisations:
        slices[("organisation", organisation)] = Slice(
            g for g in groups if organisation_of[g[0]] == organisation
        )
        members[("organisation", organisation)] = [
            r for r in found if r.organisation == organisation
        ]
    for call in calls:
        slices[("call", call)] = Slice(g for g in groups if g[0] == call)
        members[("call", call)] = [r for r in found if r.call == call]
    for cohort in cohorts:
        slices[("cohort", cohort)] = Slice(groups, (c for c in categories if c[2] == cohort))
        members[("cohort", cohort)] = [r for r in found if r.cohort == cohort]
    for year in years:
        slices[("year", year)] = Slice(g for g in groups if g[1] == year)
        members[("year", year)] = [r for r in found if r.year == year]
    # Never shown, never to be worked out when small: each call's applications of a year,
    # each call's applications in each cohort, and those in cohorts nobody can pick here.
    protect: dict[Hashable, Slice] = {("group", g): Slice([g]) for g in groups}
    fed = {(r.group, r.cohort) for r in found if r.cohort is not None}
    for group, cohort in fed:
        protect[("fed", group, cohort)] = Slice([group], (c for c in categories if c[2] == cohort))
    chosen = set(cohorts)
    protect[("other cohorts",)] = Slice(
        groups, (c for c in categories if c[0] >= ENROLLED and c[2] not in chosen)
    )
    linked = suppress_linked(
        grid, slices, _measures(categories), steps=STEPS, protect=protect, limit=limit
    )
    return Views(linked=linked, records=found, members=members)


def build(applications: QuerySet[Application], *, limit: int | None = None) -> Funnel:
    """The funnel of these applications as one view of its own."""
    return views(applications, limit=limit).view(ALL)


def _funnel(cells: dict[Hashable, Cell], members: list[Record], limit: int) -> Funnel:
    rows = []
    before: Cell | None = None
    for step in FUNNEL:
        count = cells[("step", step.value)]
        conversion = None
        if (
            before is not None
            and not before.suppressed
            and not count.suppressed
            and before.value
            and count.value is not None
        ):
            conversion = count.value / before.value
        rows.append(
            FunnelRow(
                step=step,
                count=count,
                conversion=conversion,
                median_days=_median_days(members, step, limit),
            )
        )
        before = count
    return Funnel(
        rows=rows,
        not_admitted=[
            (str(NotAdmittedReason(reason).label), cells[("not_admitted", reason)])
            for reason in NotAdmittedReason.values
        ],
        discontinued=[
            (str(DiscontinuedReason(reason).label), cells[("discontinued", reason)])
            for reason in DiscontinuedReason.values
        ],
        withdrawn=cells[WITHDRAWN],
    )


def _median_days(members: list[Record], step: Step, limit: int) -> float | None:
    """The median time people spent in a step, shown only when at least the threshold
    of them moved on from it (the median of fewer would describe a few people)."""
    times = [r.durations[step.value] for r in members if step.value in r.durations]
    if len(times) < threshold(limit):
        return None
    return round(median(times), 1)
