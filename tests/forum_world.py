"""A forum on unit A1 in the test world, run by the peer persona, with one open and one
closed meeting. With `tenant="b"` (and tenant B's workday): the same on unit B1, run by
`peer_b`."""

from dataclasses import dataclass
from datetime import date, time

from peerstod.accounts.scope import scope_for
from peerstod.forum import services
from peerstod.forum.models import Forum, Meeting, Suggestion


@dataclass
class ForumWorld:
    forum: Forum
    open_meeting: Meeting
    closed_meeting: Meeting
    suggestion: Suggestion


def make_forum(world, workday, tenant="a") -> ForumWorld:
    peer = world.tenant(tenant).users["peer"]
    scope = scope_for(peer)
    forum = services.forum_setup(
        scope=scope,
        actor=peer,
        unit=world.tenant(tenant).unit1,
        weekday=4,
        starts_at=time(10, 30),
        ends_at=time(11, 15),
        place="Dagrummet",
    )
    closed = services.meeting_open(scope=scope, actor=peer, forum=forum, held_on=date(2026, 3, 6))
    suggestion = services.suggestion_add(
        scope=scope, actor=peer, meeting=closed, topic="activity", text="Baka på onsdagar"
    )
    services.meeting_update(
        scope=scope,
        actor=peer,
        meeting=closed,
        patients_present=6,
        guests=["dietitian"],
        minutes="Vi pratade om TV-rummet och bakning.",
    )
    services.meeting_close(scope=scope, actor=peer, meeting=closed)
    opened = services.meeting_open(scope=scope, actor=peer, forum=forum, held_on=date(2026, 3, 13))
    return ForumWorld(forum, opened, closed, suggestion)
