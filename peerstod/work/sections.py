"""Start-page sections from work: the peer supporter's "log work" and today's schedule."""

from __future__ import annotations

from django.urls import reverse

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import Scope
from peerstod.core.sections import Part, contribute
from peerstod.people.models import Person
from peerstod.work import selectors
from peerstod.work.week import monday_of, occurrences


@contribute(Role.PEER_SUPPORTER, order=10)
def workday(scope: Scope) -> Part | None:
    person = Person.objects.filter(user_id=scope.user_id).first()
    if person is None:
        return None
    today = scope.day
    week = occurrences(selectors.schedule_items(person=person), monday_of(today))
    return Part(
        template="work/sections/peer_supporter.html",
        data={
            "today": today,
            "today_items": [o for o in week if o.day == today],
            "can_log": selectors.employed_units(person=person, day=today).exists(),
            "log_url": reverse("work:log"),
            "week_url": reverse("work:schedule"),
        },
    )
