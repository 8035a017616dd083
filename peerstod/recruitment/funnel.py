"""The recruitment funnel: how many reached each step, conversion, time in each step,
and why people left. Counted from the application steps, which outlive purges."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median

from django.db.models import QuerySet

from peerstod.core.suppression import Cell, suppress_counts, suppress_each
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


@dataclass(frozen=True)
class FunnelRow:
    step: Step
    count: Cell
    conversion: float | None  # share of the previous step, 0–1
    median_days: float | None  # median days from reaching this step to the next event


@dataclass(frozen=True)
class Funnel:
    rows: list[FunnelRow]
    not_admitted: list[tuple[str, Cell]]
    discontinued: list[tuple[str, Cell]]
    withdrawn: Cell
    total: int

    def count(self, step: Step) -> int | None:
        return next(row.count.value for row in self.rows if row.step == step)


def build(applications: QuerySet[Application]) -> Funnel:
    events = (
        ApplicationEvent.objects.filter(application__in=applications)
        .order_by("application_id", "at", "id")
        .values_list("application_id", "step", "at", "reason")
    )
    reached: dict[str, set[int]] = defaultdict(set)
    durations: dict[str, list[float]] = defaultdict(list)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    previous: dict[int, tuple[str, object]] = {}
    for application_id, step, at, reason in events:
        reached[step].add(application_id)
        if reason:
            reasons[step][reason] += 1
        if application_id in previous:
            prior_step, prior_at = previous[application_id]
            durations[prior_step].append((at - prior_at).total_seconds() / 86400)
        previous[application_id] = (step, at)
    # An interview that was booked and held counts as "interviewed"; the funnel does not
    # show the booking as a step of its own.
    counts = {step.value: len(reached[step]) for step in FUNNEL}
    # The steps are nested (everyone interviewed also applied), not parts of a total,
    # so each is suppressed on its own; the reasons below are parts of a difference
    # between two shown steps, so they get complementary suppression.
    cells = suppress_each(counts)
    rows = []
    earlier: int | None = None
    for step in FUNNEL:
        count = counts[step.value]
        # A share is shown only when both of its counts are.
        conversion = count / earlier if earlier else None
        times = durations.get(step.value, [])
        if step == Step.SCREENED:
            times = times + durations.get(Step.INTERVIEW_BOOKED.value, [])
        rows.append(
            FunnelRow(
                step=step,
                count=cells[step.value],
                conversion=None if cells[step.value].suppressed else conversion,
                median_days=round(median(times), 1) if len(times) >= 5 else None,
            )
        )
        earlier = None if cells[step.value].suppressed else count
    return Funnel(
        rows=rows,
        not_admitted=_reason_cells(reasons[Step.NOT_ADMITTED], NotAdmittedReason),
        discontinued=_reason_cells(reasons[Step.DISCONTINUED], DiscontinuedReason),
        withdrawn=suppress_each({"w": len(reached[Step.WITHDRAWN])})["w"],
        total=counts[Step.RECEIVED.value],
    )


def _reason_cells(counter: Counter[str], choices) -> list[tuple[str, Cell]]:
    table = suppress_counts({value: counter.get(value, 0) for value in choices.values})
    return [(str(choices(value).label), table.cells[(value, "n")]) for value in choices.values]
