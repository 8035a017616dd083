"""Forum follow-up: meetings, attendance, suggestions and how fast they get answers."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from peerstod.core.suppression import suppress_each
from peerstod.forum.models import Meeting, Status, Suggestion, Topic


@dataclass
class ForumReport:
    months: list[tuple]  # (month, meetings, patients present)
    by_topic: list[tuple[str, int]]
    answered_within_14: float | None
    done_share: float | None
    median_days: float | None


def build(forums) -> ForumReport:
    months = list(
        Meeting.objects.filter(forum__in=forums, locked_at__isnull=False)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(n=Count("id"), present=Sum("patients_present"))
        .order_by("month")
        .values_list("month", "n", "present")
    )
    suggestions = list(
        Suggestion.objects.filter(forum__in=forums)
        .exclude(status=Status.PENDING)
        .values_list("topic", "status", "created_on", "answered_on")
    )
    topics = {}
    for topic, *_rest in suggestions:
        topics[topic] = topics.get(topic, 0) + 1
    days = [(a - c).days for _t, _s, c, a in suggestions if a is not None]
    total = len(suggestions)
    # Patients present are people: small monthly totals are hidden like any other count.
    present = suppress_each({m: p or 0 for m, _n, p in months})
    return ForumReport(
        months=[(m, n, present[m]) for m, n, _p in months],
        by_topic=[(str(Topic(t).label), n) for t, n in sorted(topics.items())],
        answered_within_14=(sum(1 for d in days if d <= 14) / total) if total else None,
        done_share=(sum(1 for _t, s, _c, _a in suggestions if s == Status.DONE) / total)
        if total
        else None,
        median_days=median(days) if days else None,
    )
