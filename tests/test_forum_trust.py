"""Issue 13 for the forum: every change is a whole, audited use case; the suggestion box's
limit holds behind the load balancer; a double POST saves once; bad input is refused in
words and never half-saved; another region's forum is not there (404)."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.core.audit import Action
from peerstod.core.idempotency import new_key
from peerstod.core.models import AuditEvent
from peerstod.forum import actions, services
from peerstod.forum.models import Addendum, AgendaItem, Delivery, Forum, Meeting, Status, Suggestion
from peerstod.notifications.models import Notification, OutboxMail
from tests.factories import MembershipFactory, UserFactory
from tests.forum_world import make_forum

WRITERS = [
    "forum_setup",
    "meeting_open",
    "agenda_add",
    "meeting_update",
    "suggestion_add",
    "meeting_close",
    "addendum_add",
    "delivery_read",
    "minutes_acknowledge",
    "suggestion_answer",
    "box_submit",
    "box_approve",
    "escalate",
]


@pytest.fixture
def forum(world):
    cache.clear()
    state = make_forum(world, None)
    yield state
    cache.clear()


def peer_scope(world):
    return scope_for(world.users["peer"])


def box_url(forum):
    return reverse("forum:box", args=[forum.forum.public_code])


def box_post(client, forum, text, **meta):
    return client.post(box_url(forum), {"topic": "activity", "text": text}, **meta)


# Use cases and audit actions ------------------------------------------------------------


@pytest.mark.parametrize("name", WRITERS)
def test_every_forum_service_that_writes_is_a_use_case(name):
    assert getattr(getattr(services, name), "is_use_case", False) is True


def test_every_answer_a_manager_can_give_has_its_declared_action_with_the_old_code():
    assert set(actions.SUGGESTION_ANSWERED) == services.ANSWERS | services.PROGRESS
    for status, declared in actions.SUGGESTION_ANSWERED.items():
        assert isinstance(declared, Action)
        assert declared.code == f"forum.suggestion.{status}"
        assert not declared.read


def test_running_a_meeting_leaves_one_declared_audit_row_per_change(world, forum):
    forum_rows = AuditEvent.objects.filter(action__startswith="forum.").order_by("pk")
    codes = list(forum_rows.values_list("action", flat=True))
    assert codes == [
        actions.FORUM_SET_UP.code,
        actions.MEETING_OPENED.code,
        actions.SUGGESTION_ADDED.code,
        actions.MEETING_UPDATED.code,
        actions.MINUTES_LOCKED.code,
        actions.MEETING_OPENED.code,
    ]


def test_an_answer_is_audited_under_its_status(world, forum):
    manager = world.users["manager"]
    services.suggestion_answer(
        scope=scope_for(manager),
        actor=manager,
        suggestion=forum.suggestion,
        status="needs_info",
        answer="Vilka dagar?",
    )
    row = AuditEvent.objects.get(action="forum.suggestion.needs_info")
    assert row.actor == manager and row.object_ref == forum.suggestion.code


def test_a_box_suggestion_is_audited_without_any_trace_of_the_client(client, world, forum):
    box_post(client, forum, "Fler brädspel", REMOTE_ADDR="198.51.100.7")
    row = AuditEvent.objects.get(action=actions.BOX_SUBMITTED.code)
    assert row.actor is None and row.actor_label == "anonymous"
    assert "198.51.100.7" not in str(row.detail) and "198.51.100" not in row.object_ref


def test_the_box_service_takes_no_client_address():
    import inspect

    assert set(inspect.signature(services.box_submit).parameters) == {
        "forum",
        "text",
        "topic",
        "once",
    }
    assert not hasattr(services, "_client_key")


def test_removing_a_box_suggestion_is_audited_before_it_is_gone(world, forum):
    pending = services.box_submit(forum=forum.forum, text="Ny TV", topic="environment")
    services.box_approve(
        scope=peer_scope(world), actor=world.users["peer"], suggestion=pending, approve=False
    )
    assert not Suggestion.objects.filter(pk=pending.pk).exists()
    row = AuditEvent.objects.get(action=actions.BOX_REMOVED.code)
    assert row.object_ref == pending.code and row.actor == world.users["peer"]


def test_a_stale_open_meeting_cannot_be_added_to_after_it_was_closed_elsewhere(world, forum):
    stale = Meeting.objects.get(pk=forum.open_meeting.pk)  # shown in another tab, still open
    services.meeting_update(
        scope=peer_scope(world),
        actor=world.users["peer"],
        meeting=forum.open_meeting,
        patients_present=3,
        guests=[],
        minutes="Vi pratade om fikat.",
    )
    services.meeting_close(
        scope=peer_scope(world), actor=world.users["peer"], meeting=forum.open_meeting
    )
    assert stale.locked_at is None
    with pytest.raises(ValidationError):
        services.agenda_add(
            scope=peer_scope(world),
            actor=world.users["peer"],
            meeting=stale,
            topic="environment",
            text="Nya gardiner",
        )
    assert not AgendaItem.objects.filter(text="Nya gardiner").exists()


def test_a_manager_holding_two_roles_on_the_unit_gets_the_minutes_once(world, forum):
    manager = world.users["manager"]
    MembershipFactory(
        user=manager, role=Role.UNIT_MANAGER, organisation=world.region_a, unit=world.unit_a1
    )
    meeting = services.meeting_open(
        scope=peer_scope(world),
        actor=world.users["peer"],
        forum=forum.forum,
        held_on=date(2026, 3, 20),
    )
    services.meeting_update(
        scope=peer_scope(world),
        actor=world.users["peer"],
        meeting=meeting,
        patients_present=4,
        guests=[],
        minutes="Vi pratade om utflykter.",
    )
    services.meeting_close(scope=peer_scope(world), actor=world.users["peer"], meeting=meeting)
    assert list(Delivery.objects.filter(meeting=meeting).values_list("manager", flat=True)) == [
        manager.pk
    ]


# Mail through the outbox ----------------------------------------------------------------


def test_closing_queues_the_managers_mail_in_the_outbox_and_sends_it_after_commit(
    world, django_capture_on_commit_callbacks
):
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_forum(world, None)
    queued = OutboxMail.objects.get()
    assert queued.to == "manager@test.se" and queued.sent_at is not None
    assert [m.to for m in mail.outbox] == [["manager@test.se"]]


def test_escalation_notifies_and_mails_the_coordinator_through_the_outbox(
    world, forum, django_capture_on_commit_callbacks
):
    Delivery.objects.update(sent_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate(timezone.localdate()) == 1
    assert Notification.objects.filter(user=world.users["coordinator"]).count() == 1
    assert OutboxMail.objects.filter(to="coordinator@test.se").count() == 1
    assert [m.to for m in mail.outbox if m.to == ["coordinator@test.se"]] == [
        ["coordinator@test.se"]
    ]
    row = AuditEvent.objects.get(action=actions.MINUTES_ESCALATED.code)
    assert row.object_ref == forum.closed_meeting.code
    assert Delivery.objects.get().escalated_at is not None


# The suggestion box's limit -------------------------------------------------------------


def test_two_clients_behind_one_proxy_address_have_separate_box_limits(client, settings, forum):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(5):
        response = box_post(
            client, forum, f"Förslag {n}", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
        )
        assert response.status_code == 200
    assert (
        box_post(client, forum, "Ett till", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code
        == 429
    )
    other = box_post(client, forum, "Från någon annan", HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert other.status_code == 200
    assert Suggestion.objects.filter(from_box=True).count() == 6


def test_a_client_forging_a_left_most_forwarded_for_does_not_escape_its_box_limit(
    client, settings, forum
):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    for n in range(5):
        box_post(
            client,
            forum,
            f"Förslag {n}",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    for forged in ["198.51.100.1, 203.0.113.5", "1.1.1.1, 2.2.2.2, 203.0.113.5", "x, 203.0.113.5"]:
        response = box_post(
            client, forum, "Igen", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged
        )
        assert response.status_code == 429, forged
    assert Suggestion.objects.filter(from_box=True).count() == 5


def test_without_a_proxy_the_forwarded_for_header_is_ignored(client, settings, forum):
    settings.BEHIND_PROXY = False
    for n in range(5):
        box_post(
            client,
            forum,
            f"Förslag {n}",
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = box_post(
        client, forum, "Igen", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert response.status_code == 429


def test_the_box_limit_is_counted_in_the_shared_database_cache(client, settings, forum):
    assert settings.CACHES["default"]["BACKEND"] == "peerstod.core.cache.AtomicDatabaseCache"
    for n in range(5):
        box_post(client, forum, f"Förslag {n}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM peerstod_cache")
        (rows,) = cursor.fetchone()
    assert rows >= 1
    refused = box_post(client, forum, "Ett sjätte")
    assert refused.status_code == 429
    assert "kort tid" in refused.content.decode()
    cache.clear()  # the counter lives there and nowhere else
    assert box_post(client, forum, "Efter en timme").status_code == 200
    assert Suggestion.objects.filter(from_box=True).count() == 6


def test_an_incomplete_box_form_does_not_use_up_the_limit(client, forum):
    for _n in range(8):
        box_post(client, forum, "")
    assert box_post(client, forum, "Fler växter").status_code == 200
    assert Suggestion.objects.filter(from_box=True).count() == 1


# Bodies, NUL bytes, double POSTs ------------------------------------------------------


def test_a_3_mb_file_posted_to_the_box_is_refused_with_413_and_nothing_saved(client, forum):
    upload = SimpleUploadedFile("bild.jpg", b"\xff" * (3 * 1024 * 1024), "image/jpeg")
    response = client.post(
        box_url(forum), {"topic": "activity", "text": "Se bilden", "bilaga": upload}
    )
    assert response.status_code == 413
    assert not Suggestion.objects.filter(from_box=True).exists()


def test_a_nul_in_the_public_forum_address_answers_400(client, forum):
    assert client.get("/ni-sa-vi-gjorde/%00/").status_code == 400
    assert client.get("/ni-sa-vi-gjorde/%00/forslag/").status_code == 400


def test_a_nul_in_the_box_text_answers_400_and_saves_nothing(client, forum):
    response = box_post(client, forum, "Fler\x00 spel")
    assert response.status_code == 400
    assert not Suggestion.objects.filter(from_box=True).exists()


def test_a_double_post_of_the_box_saves_one_suggestion(client, forum):
    data = {"topic": "activity", "text": "Musik i dagrummet", "once": new_key()}
    first = client.post(box_url(forum), data)
    second = client.post(box_url(forum), data)
    assert first.status_code == second.status_code == 200
    assert "Tack" in second.content.decode()
    assert Suggestion.objects.filter(from_box=True, text="Musik i dagrummet").count() == 1
    assert AuditEvent.objects.filter(action=actions.BOX_SUBMITTED.code).count() == 1


def test_a_refused_box_post_leaves_its_one_time_key_for_the_corrected_one(client, forum):
    once = new_key()
    refused = client.post(
        box_url(forum), {"topic": "activity", "text": "Ring 070-123 45 67", "once": once}
    )
    assert not Suggestion.objects.filter(from_box=True).exists()
    assert f'value="{once}"' in refused.content.decode()  # the same form, the same key
    client.post(box_url(forum), {"topic": "activity", "text": "Fler spel", "once": once})
    assert Suggestion.objects.filter(from_box=True, text="Fler spel").count() == 1


def test_the_box_form_carries_a_one_time_key(client, forum):
    page = client.get(box_url(forum)).content.decode()
    assert 'name="once"' in page


@pytest.mark.parametrize(
    ("action", "fields", "model"),
    [
        ("agenda", {"topic": "environment", "text": "Nya soffor"}, AgendaItem),
        ("suggestion", {"topic": "activity", "text": "Filmkväll"}, Suggestion),
    ],
)
def test_a_double_post_on_an_open_meeting_adds_once(
    client, world, login, forum, action, fields, model
):
    login(world.users["peer"])
    url = reverse("forum:meeting", args=[forum.open_meeting.code])
    page = client.get(url).content.decode()
    assert f'name="{action}-once"' in page
    data = {"action": action, f"{action}-once": new_key()}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert model.objects.filter(text=fields["text"]).count() == 1


def test_a_double_post_of_an_addendum_adds_it_once(client, world, login, forum):
    login(world.users["peer"])
    url = reverse("forum:meeting", args=[forum.closed_meeting.code])
    data = {
        "action": "addendum",
        "addendum-text": "Rättelse: sju deltog.",
        "addendum-once": new_key(),
    }
    client.post(url, data)
    client.post(url, data)
    assert Addendum.objects.filter(meeting=forum.closed_meeting).count() == 1


# One meeting a day ---------------------------------------------------------------------


def test_starting_a_meeting_twice_the_same_day_is_refused_in_swedish(world, forum):
    with translation.override("sv"), pytest.raises(ValidationError) as raised:
        services.meeting_open(
            scope=peer_scope(world),
            actor=world.users["peer"],
            forum=forum.forum,
            held_on=forum.open_meeting.held_on,
        )
    message = raised.value.messages[0]
    assert "redan" in message and "2026-03-13" in message
    assert "onstraint" not in message and "unik" not in message.lower()
    assert Meeting.objects.filter(forum=forum.forum).count() == 2


def test_pressing_start_todays_meeting_twice_keeps_one_meeting_and_says_why(
    client, world, login, forum
):
    login(world.users["peer"])
    url = reverse("forum:detail", args=[forum.forum.public_code])
    first = client.post(url, {"held_on": "today"})
    assert first.status_code == 302
    again = client.post(url, {"held_on": "today"}, follow=True)
    assert again.status_code == 200
    assert "redan" in again.content.decode()
    assert Meeting.objects.filter(forum=forum.forum, held_on=timezone.localdate()).count() == 1


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("present", ["abc", "99999999999999999999", "-1", "201", "1e3"])
def test_a_wrong_number_of_patients_is_refused_and_nothing_saved(
    client, world, login, forum, present
):
    login(world.users["peer"])
    url = reverse("forum:meeting", args=[forum.open_meeting.code])
    response = client.post(
        url,
        {"action": "meeting", "meeting-patients_present": present, "meeting-minutes": "Hej"},
    )
    assert response.status_code == 200
    assert "Inget sparades" in response.content.decode()
    forum.open_meeting.refresh_from_db()
    assert forum.open_meeting.minutes == "" and forum.open_meeting.patients_present == 0


@pytest.mark.parametrize(
    "data",
    [
        {"topic": "answer", "text": "Låtsas vara chefens svar"},
        {"topic": "x" * 5000, "text": "Ok"},
        {"topic": "activity", "text": "y" * 600},
        {"topic": ["activity", "environment"], "text": ""},
    ],
)
def test_a_malformed_box_post_is_refused_and_saves_nothing(client, forum, data):
    response = client.post(box_url(forum), data)
    assert response.status_code == 200
    assert not Suggestion.objects.filter(from_box=True).exists()


def test_a_made_up_answer_status_changes_nothing(client, world, login, forum):
    login(world.users["manager"])
    response = client.post(
        reverse("forum:answer", args=[forum.suggestion.code]),
        {"status": "pending", "answer": "Hack"},
        follow=True,
    )
    assert response.status_code == 200
    forum.suggestion.refresh_from_db()
    assert forum.suggestion.status == Status.NEW and forum.suggestion.answer == ""


# Another region -------------------------------------------------------------------------


@pytest.fixture
def region_b_forum(world, forum):
    """A forum on unit B1 with a box suggestion, made directly: region B has no peer."""
    other = Forum.objects.create(unit=world.unit_b1, starts_at=time(10), ends_at=time(11))
    meeting = Meeting.objects.create(forum=other, held_on=date(2026, 3, 6), minutes="Fika.")
    pending = Suggestion.objects.create(
        forum=other,
        from_box=True,
        status=Status.PENDING,
        text="Ny soffa",
        created_on=date(2026, 3, 6),
    )
    return other, meeting, pending


def test_another_regions_meeting_is_404_for_every_post_and_unchanged(client, world, login, forum):
    login(world.users["outsider"])
    url = reverse("forum:meeting", args=[forum.open_meeting.code])
    before = AuditEvent.objects.count()
    for data in [
        {"action": "close"},
        {"action": "acknowledge"},
        {"action": "agenda", "agenda-topic": "activity", "agenda-text": "Intrång"},
        {"action": "meeting", "meeting-patients_present": "9", "meeting-minutes": "Ändrat"},
    ]:
        assert client.post(url, data).status_code == 404
    forum.open_meeting.refresh_from_db()
    assert forum.open_meeting.locked_at is None and forum.open_meeting.minutes == ""
    assert not AgendaItem.objects.filter(text="Intrång").exists()
    assert AuditEvent.objects.count() == before


def test_another_regions_suggestion_cannot_be_answered_or_approved(
    client, world, login, forum, region_b_forum
):
    _other, _meeting, pending = region_b_forum
    login(world.users["manager"])
    answer = client.post(
        reverse("forum:answer", args=[pending.code]), {"status": "accepted", "answer": "Ja"}
    )
    assert answer.status_code == 404
    login(world.users["peer"])
    approve = client.post(
        reverse("forum:detail", args=[forum.forum.public_code]),
        {"suggestion": pending.code, "approve": "no"},
    )
    assert approve.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and pending.answer == ""


def test_a_suggestion_of_another_forum_is_not_approved_from_this_forums_page(
    client, world, login, forum
):
    """Even within the peer's own region the page's forum decides what it approves."""
    MembershipFactory(
        user=world.users["peer"],
        role=Role.PEER_SUPPORTER,
        organisation=world.region_a,
        unit=world.unit_a2,
    )
    peer = type(world.users["peer"]).objects.get(pk=world.users["peer"].pk)  # fresh scope
    second = services.forum_setup(
        scope=scope_for(peer),
        actor=peer,
        unit=world.unit_a2,
        starts_at=time(9),
        ends_at=time(10),
    )
    pending = services.box_submit(forum=second, text="Nya gardiner", topic="environment")
    login(world.users["peer"])
    response = client.post(
        reverse("forum:detail", args=[forum.forum.public_code]),
        {"suggestion": pending.code, "approve": "yes"},
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


# Reads of personal data -----------------------------------------------------------------


def reads(code=actions.MEETING_VIEWED.code):
    return AuditEvent.objects.filter(action=code)


def test_the_delivery_register_shown_to_the_coordinator_writes_one_read_row(
    client, world, login, forum
):
    login(world.users["coordinator"])
    page = client.get(reverse("forum:meeting", args=[forum.closed_meeting.code]))
    assert world.users["manager"].full_name in page.content.decode()
    (row,) = reads()
    assert row.actor == world.users["coordinator"]
    assert row.object_ref == forum.closed_meeting.code


def test_a_manager_seeing_only_their_own_delivery_writes_no_read_row(client, world, login, forum):
    login(world.users["manager"])
    client.get(reverse("forum:meeting", args=[forum.closed_meeting.code]))
    assert not reads().exists()
    assert reads(actions.MINUTES_OPENED.code).count() == 1  # opened: a change, noted once
    client.get(reverse("forum:meeting", args=[forum.closed_meeting.code]))
    assert reads(actions.MINUTES_OPENED.code).count() == 1


def test_a_second_manager_seeing_the_first_ones_name_writes_a_read_row(client, world, login, forum):
    second = UserFactory(email="chef2@test.se", full_name="Andra Chefen")
    MembershipFactory(
        user=second, role=Role.UNIT_MANAGER, organisation=world.region_a, unit=world.unit_a1
    )
    Delivery.objects.create(meeting=forum.closed_meeting, manager=second, sent_at=timezone.now())
    login(world.users["manager"])
    client.get(reverse("forum:meeting", args=[forum.closed_meeting.code]))
    assert reads().count() == 1


@pytest.mark.parametrize("name", ["forum:public", "forum:poster", "forum:box", "forum:detail"])
def test_pages_without_names_write_no_read_row(client, world, login, forum, name):
    login(world.users["peer"])
    assert client.get(reverse(name, args=[forum.forum.public_code])).status_code == 200
    assert not AuditEvent.objects.filter(action__endswith=".viewed").exists()


# The whole forum through its pages, with the write guard on -------------------------------


def test_the_whole_forum_runs_through_its_pages_with_every_write_in_a_use_case(
    client, world, login, forum, settings, django_capture_on_commit_callbacks
):
    settings.STRICT_WRITES = True  # a write outside a use case raises UseCaseError
    login(world.users["peer"])
    detail = reverse("forum:detail", args=[forum.forum.public_code])
    assert client.post(detail, {"held_on": "today"}).status_code == 302
    today = Meeting.objects.get(forum=forum.forum, held_on=timezone.localdate())
    url = reverse("forum:meeting", args=[today.code])
    client.post(url, {"action": "agenda", "agenda-topic": "environment", "agenda-text": "TV"})
    client.post(
        url, {"action": "suggestion", "suggestion-topic": "activity", "suggestion-text": "Bio"}
    )
    client.post(
        url,
        {
            "action": "meeting",
            "meeting-patients_present": "6",
            "meeting-guests": ["dietitian"],
            "meeting-minutes": "Vi pratade om TV-rummet.",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "close"}).status_code == 302
    today.refresh_from_db()
    assert today.locked_at is not None and today.agenda.filter(text="TV").exists()
    assert any("manager@test.se" in m.to for m in mail.outbox)
    login(world.users["manager"])
    client.get(url)
    client.post(url, {"action": "acknowledge"})
    bio = Suggestion.objects.get(text="Bio")
    client.post(reverse("forum:answer", args=[bio.code]), {"status": "accepted", "answer": "Ja"})
    login(None)
    box_post(client, forum, "Fler växter")
    login(world.users["peer"])
    pending = Suggestion.objects.get(text="Fler växter")
    client.post(detail, {"suggestion": pending.code, "approve": "yes"})
    assert Delivery.objects.get(meeting=today).acknowledged_at is not None
    bio.refresh_from_db()
    pending.refresh_from_db()
    assert bio.status == Status.ACCEPTED and pending.status == Status.NEW
