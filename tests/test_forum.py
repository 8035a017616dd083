"""Forum för inflytande: general topics only, locked minutes delivered for certain,
suggestions followed to a decision, and an anonymous suggestion box."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.forum import services
from peerstod.forum.models import Delivery, Status, Suggestion, Topic
from peerstod.notifications.models import Notification
from peerstod.notifications.schedule import run_all
from tests.forum_world import make_forum


# The forum needs no workday (make_forum ignores it): the peer persona's membership on
# unit A1 is what lets them run it.
@pytest.fixture
def forum(world):
    cache.clear()
    return make_forum(world, None)


def peer(world):
    return scope_for(world.users["peer"])


@pytest.mark.parametrize(
    "text",
    [
        "Han vill höja dosen av sin medicin",
        "Min vårdplan",
        "Läkarsamtalet på tisdag",
        "Får jag permission i helgen?",
    ],
)
def test_an_individual_care_item_is_refused_kindly(world, forum, text):
    with pytest.raises(ValidationError) as raised:
        services.agenda_add(
            scope=peer(world),
            actor=world.users["peer"],
            meeting=forum.open_meeting,
            topic="well_being",
            text=text,
        )
    message = raised.value.messages[0]
    assert "kontaktperson" in message
    assert not forum.open_meeting.agenda.filter(text=text).exists()


def test_a_phone_number_in_the_minutes_is_refused_and_the_message_says_so(world, forum):
    """The guard finds identifiers (here the phone number), not first names: the name
    beside it is no finding of its own."""
    with pytest.raises(ValidationError) as raised:
        services.meeting_update(
            scope=peer(world),
            actor=world.users["peer"],
            meeting=forum.open_meeting,
            patients_present=4,
            guests=[],
            minutes="Kalle vill bli uppringd på 070-123 45 67",
        )
    message = " ".join(raised.value.messages)
    assert "ett telefonnummer" in message
    assert "personnummer" not in message
    forum.open_meeting.refresh_from_db()
    assert forum.open_meeting.minutes == ""


def test_closing_locks_and_delivers_to_every_manager(world, forum):
    closed = forum.closed_meeting
    assert closed.locked_at is not None
    assert [d.manager for d in closed.deliveries.all()] == [world.users["manager"]]
    with pytest.raises(ValidationError):
        services.meeting_update(
            scope=peer(world),
            actor=world.users["peer"],
            meeting=closed,
            patients_present=1,
            guests=[],
            minutes="Ändrat",
        )
    addendum = services.addendum_add(
        scope=peer(world), actor=world.users["peer"], meeting=closed, text="Rättelse: sju deltog."
    )
    closed.refresh_from_db()
    assert closed.minutes == "Vi pratade om TV-rummet och bakning."
    assert addendum.meeting == closed


def test_the_manager_is_mailed_and_acknowledges(
    client, world, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        state = make_forum(world, None)
    assert [m.to for m in mail.outbox] == [["manager@test.se"]]
    assert any(w in mail.outbox[0].subject for w in ("Minutes", "Anteckningar"))
    login(world.users["manager"])
    url = reverse("forum:meeting", args=[state.closed_meeting.code])
    client.get(url)
    delivery = Delivery.objects.get()
    assert delivery.read_at is not None and delivery.acknowledged_at is None
    client.post(url, {"action": "acknowledge"})
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is not None


def test_only_a_manager_it_was_delivered_to_can_acknowledge(world, forum):
    for persona in ["coordinator", "peer", "outsider"]:
        with pytest.raises(PermissionDenied):
            services.minutes_acknowledge(actor=world.users[persona], meeting=forum.closed_meeting)


def test_not_acknowledged_in_seven_days_escalates_to_the_coordinator(world, forum):
    Delivery.objects.update(sent_at=timezone.now() - timedelta(days=8))
    assert services.escalate(timezone.localdate()) == 1
    assert Notification.objects.filter(user=world.users["coordinator"]).count() == 1
    assert services.escalate(timezone.localdate()) == 0


def test_the_daily_reminders_run_the_forums_escalation(world, forum):
    """`peerstod remind` asks each app through the notifications registry: the forum's
    escalation is found in forum/reminders.py, supervision knows nothing of it."""
    Delivery.objects.update(sent_at=timezone.now() - timedelta(days=8))
    assert run_all(timezone.localdate())["forum_minutes_escalated"] == 1
    assert run_all(timezone.localdate())["forum_minutes_escalated"] == 0
    reminder = Notification.objects.get(user=world.users["coordinator"])
    assert reminder.url == reverse("forum:meeting", args=[forum.closed_meeting.code])


def test_a_suggestion_is_answered_and_goes_on_the_next_agenda(world, forum):
    manager = world.users["manager"]
    with pytest.raises(ValidationError):
        services.suggestion_answer(
            scope=scope_for(manager),
            actor=manager,
            suggestion=forum.suggestion,
            status="declined",
            answer="",
        )
    services.suggestion_answer(
        scope=scope_for(manager),
        actor=manager,
        suggestion=forum.suggestion,
        status="accepted",
        answer="Ja, det börjar om två veckor.",
    )
    with pytest.raises(PermissionDenied):
        services.suggestion_answer(
            scope=scope_for(world.users["coordinator"]),
            actor=world.users["coordinator"],
            suggestion=forum.suggestion,
            status="done",
            answer="",
        )
    following = services.meeting_open(
        scope=peer(world), actor=world.users["peer"], forum=forum.forum, held_on=date(2026, 3, 20)
    )
    item = following.agenda.get(topic=Topic.ANSWER)
    assert "Baka på onsdagar" in item.text and item.suggestion == forum.suggestion


def _answer(world, forum):
    manager = world.users["manager"]
    services.suggestion_answer(
        scope=scope_for(manager),
        actor=manager,
        suggestion=forum.suggestion,
        status="accepted",
        answer="Startar om två veckor.",
    )


def test_the_public_page_shows_answers_without_login(client, world, forum):
    _answer(world, forum)
    page = client.get(reverse("forum:public", args=[forum.forum.public_code])).content.decode()
    assert "Baka på onsdagar" in page and "Startar om två veckor." in page
    poster = client.get(reverse("forum:poster", args=[forum.forum.public_code]))
    assert "Ni sa" in poster.content.decode()
    qr = client.get(reverse("forum:qr", args=[forum.forum.public_code]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_the_public_index_links_each_wards_page_and_counts_only_answers(client, world, forum):
    index = reverse("forum:public_index")
    assert reverse("forum:public_index") in client.get(reverse("home:start")).content.decode()
    page = client.get(index).content.decode()
    assert reverse("forum:public", args=[forum.forum.public_code]) in page
    assert forum.forum.unit.name in page and "0 besvarade förslag" in page
    assert "Baka på onsdagar" not in page  # the suggestion itself is on the ward's page
    _answer(world, forum)
    assert "1 besvarat förslag" in client.get(index).content.decode()
    forum.forum.unit.is_active = False
    forum.forum.unit.save()
    assert forum.forum.unit.name not in client.get(index).content.decode()


def test_the_suggestion_box_is_anonymous_guarded_and_rate_limited(client, world, forum):
    url = reverse("forum:box", args=[forum.forum.public_code])
    assert (
        "Skriv" in client.post(url, {"topic": "activity", "text": ""}).content.decode()
        or not Suggestion.objects.filter(from_box=True).exists()
    )
    # A complete form counts towards the limit (5 an hour) even when the text is refused.
    client.post(url, {"topic": "activity", "text": "Ring mig på 070-123 45 67"})
    assert not Suggestion.objects.filter(from_box=True).exists()
    for n in range(4):
        client.post(url, {"topic": "activity", "text": f"Förslag nummer {n}"})
    response = client.post(url, {"topic": "activity", "text": "Ett sjätte förslag"})
    assert response.status_code == 429
    assert "på kort tid" in response.content.decode()
    box = Suggestion.objects.filter(from_box=True)
    assert box.count() == 4 and all(s.status == Status.PENDING for s in box)
    field_names = {f.name for f in Suggestion._meta.get_fields()}
    assert not {"ip", "ip_address", "client"} & field_names
    services.box_approve(
        scope=peer(world), actor=world.users["peer"], suggestion=box.first(), approve=True
    )
    assert Suggestion.objects.filter(from_box=True, status=Status.NEW).count() == 1


def test_the_follow_up_hides_small_attendance(world, forum):
    from peerstod.forum import reports

    report = reports.build([forum.forum])
    ((month, meetings, present),) = report.months
    assert meetings == 1 and present.value == 6
    forum.closed_meeting.patients_present = 3
    forum.closed_meeting.save()
    ((_m, _n, present),) = reports.build([forum.forum]).months
    assert present.suppressed


def test_delivered_minutes_wait_on_the_managers_dashboard(client, world, login, forum):
    login(world.users["manager"])
    page = client.get(reverse("home:dashboard")).content.decode()
    url = reverse("forum:meeting", args=[forum.closed_meeting.code])
    assert url in page
    services.minutes_acknowledge(actor=world.users["manager"], meeting=forum.closed_meeting)
    assert url not in client.get(reverse("home:dashboard")).content.decode()
