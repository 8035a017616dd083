"""Demo forum on unit 21 (seed 003): Fridays 10:30–11:15 in the day room, one earlier
meeting with its minutes delivered and acknowledged, and answers on the wall."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from peerstod.accounts.models import User
from peerstod.forum.models import Delivery, Forum, Meeting, Status, Suggestion, Topic
from peerstod.orgs.models import Unit


def load(*, unit: Unit, today: date) -> None:
    if Forum.objects.filter(unit=unit).exists():
        return
    forum = Forum.objects.create(
        unit=unit, weekday=4, starts_at=time(10, 30), ends_at=time(11, 15), place="Dagrummet"
    )
    last_friday = today - timedelta(days=(today.weekday() - 4) % 7 or 7)
    held = timezone.make_aware(datetime.combine(last_friday, time(11, 30)))
    meeting = Meeting.objects.create(
        forum=forum,
        held_on=last_friday,
        patients_present=5,
        guests=["occupational_therapist"],
        minutes="Arbetsterapeuten berättade om höstens aktiviteter. Flera vill ha fler "
        "utflykter och att kaffet ska finnas kvar på eftermiddagen.",
        locked_at=held,
        locked_by=User.objects.get(email="peer@example.org"),
    )
    Delivery.objects.create(
        meeting=meeting,
        manager=User.objects.get(email="manager@example.org"),
        sent_at=held,
        read_at=held + timedelta(days=3),
        acknowledged_at=held + timedelta(days=3),
    )
    Suggestion.objects.create(
        forum=forum,
        meeting=meeting,
        topic=Topic.ACTIVITY,
        text="Fler utflykter, t.ex. tåg till Göteborg",
        status=Status.IN_PROGRESS,
        answer="Vi planerar en utflykt i månaden från januari.",
        created_on=last_friday,
        answered_on=last_friday + timedelta(days=3),
    )
    Suggestion.objects.create(
        forum=forum,
        meeting=meeting,
        topic=Topic.WELL_BEING,
        text="Kaffe även på eftermiddagen",
        status=Status.DONE,
        answer="Kaffet står framme till kl. 16.",
        created_on=last_friday,
        answered_on=last_friday + timedelta(days=3),
        done_on=last_friday + timedelta(days=4),
    )
