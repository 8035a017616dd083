"""Demo forum on unit 21 (seed 003): Fridays 10:30–11:15 in the day room, one earlier
meeting with its minutes delivered and acknowledged, and answers on the wall.

Made through the forum's services, as Marianne (the unit's peer supporter) and Juan
(its manager) would make it: the minutes are locked and delivered when the demo is
loaded, and acknowledged and answered by the manager then."""

from __future__ import annotations

from datetime import date, time, timedelta

from peerstod.accounts.models import User
from peerstod.accounts.scope import scope_for
from peerstod.forum import services
from peerstod.forum.models import Forum, Status, Topic
from peerstod.orgs.models import Unit

# (topic, suggestion, the manager's answer, the statuses it goes through)
SUGGESTIONS = [
    (
        Topic.ACTIVITY,
        "Fler utflykter, t.ex. tåg till Göteborg",
        "Vi planerar en utflykt i månaden från januari.",
        [Status.ACCEPTED, Status.IN_PROGRESS],
    ),
    (
        Topic.WELL_BEING,
        "Kaffe även på eftermiddagen",
        "Kaffet står framme till kl. 16.",
        [Status.ACCEPTED, Status.DONE],
    ),
]


def load(*, unit: Unit, today: date) -> None:
    if Forum.objects.filter(unit=unit).exists():
        return
    peer = User.objects.get(email="peer@example.org")
    manager = User.objects.get(email="manager@example.org")
    peer_scope, manager_scope = scope_for(peer, today), scope_for(manager, today)
    forum = services.forum_setup(
        scope=peer_scope,
        actor=peer,
        unit=unit,
        weekday=4,
        starts_at=time(10, 30),
        ends_at=time(11, 15),
        place="Dagrummet",
    )
    last_friday = today - timedelta(days=(today.weekday() - 4) % 7 or 7)
    meeting = services.meeting_open(scope=peer_scope, actor=peer, forum=forum, held_on=last_friday)
    services.meeting_update(
        scope=peer_scope,
        actor=peer,
        meeting=meeting,
        patients_present=5,
        guests=["occupational_therapist"],
        minutes="Arbetsterapeuten berättade om höstens aktiviteter. Flera vill ha fler "
        "utflykter och att kaffet ska finnas kvar på eftermiddagen.",
    )
    suggestions = [
        (
            services.suggestion_add(
                scope=peer_scope, actor=peer, meeting=meeting, topic=topic, text=text
            ),
            answer,
            statuses,
        )
        for topic, text, answer, statuses in SUGGESTIONS
    ]
    services.meeting_close(scope=peer_scope, actor=peer, meeting=meeting)
    services.minutes_acknowledge(actor=manager, meeting=meeting)
    for suggestion, answer, statuses in suggestions:
        for status in statuses:
            services.suggestion_answer(
                scope=manager_scope,
                actor=manager,
                suggestion=suggestion,
                status=status,
                answer=answer,
            )
