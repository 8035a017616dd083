"""Supervision in the test world: the supervisor persona supervises the peer persona.

With `tenant="b"` (and tenant B's workday) tenant B's supervisor, manager and network
coordinator do the same for `peer_b`."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.supervision import services
from peerstod.supervision.models import Action, Assignment, NetworkMeeting, Session


@dataclass
class Supervision:
    session: Session
    action: Action
    meeting: NetworkMeeting


def make_supervision(world, workday, tenant="a") -> Supervision:
    side = world.tenant(tenant)
    supervisor = side.users["supervisor"]
    Assignment.objects.create(
        supervisor=supervisor, person=workday.person, valid_from=date(2026, 1, 1)
    )
    start = timezone.make_aware(datetime(2026, 3, 3, 9, 0))
    session = services.session_book(
        actor=supervisor,
        people=[workday.person],
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    check_in = services.check_in_record(
        scope=scope_for(side.users["manager"]),
        actor=side.users["manager"],
        person=workday.person,
        unit=side.unit1,
        held_on=date(2026, 3, 1),
        attendees=["manager"],
        actions=[("Presentera forumet", date(2026, 4, 1))],
    )
    network_user = side.users["network"]
    meeting = services.meeting_create(
        scope=scope_for(network_user),
        actor=network_user,
        network=side.network,
        kind="network",
        title="Nätverksträff",
        starts_at=timezone.now() + timedelta(days=30),
        place="Halmstad",
        invited=[workday.person],
    )
    return Supervision(session, check_in.actions.first(), meeting)
