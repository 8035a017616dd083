"""Issue 13 for supervision: nobody changes what is not theirs, every change is whole and
audited, every read of someone else's supervision data leaves one row, across two
networks."""

import ast
import inspect
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.notifications import mail as outbox
from peerstod.notifications.models import Notification, OutboxMail
from peerstod.notifications.schedule import run_all
from peerstod.notifications.services import notify
from peerstod.people.models import Certification, Person
from peerstod.placement.models import Employment
from peerstod.supervision import actions, selectors, services
from peerstod.supervision.models import (
    Action,
    Assignment,
    CheckIn,
    NetworkMeeting,
    Request,
    SelfAssessment,
    Session,
)
from peerstod.supervision.questions import QUESTIONS
from tests.factories import MembershipFactory, NetworkFactory, UserFactory
from tests.supervision_world import make_supervision
from tests.work_world import make_peer

PACKAGE = Path(__file__).resolve().parent.parent / "peerstod" / "supervision"
SV = {"HTTP_ACCEPT_LANGUAGE": "sv"}


@dataclass
class Employed:
    person: Person
    employment: Employment


@dataclass
class OtherNetwork:
    network: object
    supervisor: object
    coordinator: object
    person: Person
    session: Session
    meeting: NetworkMeeting


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


@pytest.fixture
def setup(world):
    person = make_peer(world)
    employment = Employment.objects.create(
        person=person, unit=world.unit_a1, fte_percent=75, starts_on=date(2026, 1, 1)
    )
    workday = Employed(person, employment)
    return workday, make_supervision(world, workday)


@pytest.fixture
def other(world) -> OtherNetwork:
    """A second network with its own supervisor, coordinator, peer supporter, session and
    meeting: the other tenant."""
    network = NetworkFactory(name="Andra nätverket")
    supervisor = UserFactory(email="handledare2@test.se")
    MembershipFactory(user=supervisor, role=Role.SUPERVISOR, organisation=network)
    coordinator = UserFactory(email="samordnare2@test.se")
    MembershipFactory(user=coordinator, role=Role.NETWORK_COORDINATOR, organisation=network)
    person = Person.objects.create(network=network, full_name="Bertil Annan", email="b@t.se")
    Certification.objects.create(person=person, kind="basic", certified_on=date(2025, 1, 1))
    Assignment.objects.create(supervisor=supervisor, person=person, valid_from=date(2026, 1, 1))
    session = services.session_book(
        actor=supervisor,
        people=[person],
        starts_at=at(date(2026, 2, 2)),
        ends_at=at(date(2026, 2, 2), 10),
    )
    meeting = services.meeting_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        network=network,
        kind="network",
        title="Andra träffen",
        starts_at=timezone.now() + timedelta(days=10),
        place="Borås",
        invited=[person],
    )
    return OtherNetwork(network, supervisor, coordinator, person, session, meeting)


def reads_during(client, url, data=None):
    """The read rows (and all rows) the request wrote."""
    before = AuditEvent.objects.count()
    response = client.post(url, data) if data is not None else client.get(url)
    new = AuditEvent.objects.order_by("pk")[before:]
    return response, [e.action for e in new]


def answers(value=4):
    return {key: value for key, _text in QUESTIONS}


# Every write is a use case with a declared audit action ------------------------------


def test_every_public_supervision_service_that_writes_is_a_use_case():
    writers = [
        "assign",
        "session_book",
        "session_record",
        "request_session",
        "self_assess",
        "drift_share_set",
        "check_in_record",
        "action_done",
        "meeting_create",
        "meeting_attendance",
    ]
    public = [
        name
        for name, f in inspect.getmembers(services, inspect.isfunction)
        if f.__module__ == services.__name__ and not name.startswith("_")
    ]
    assert sorted(set(public) - {"supervisees"}) == sorted(writers)
    assert [n for n in writers if not getattr(getattr(services, n), "is_use_case", False)] == []
    assert getattr(notify, "is_use_case", False)


def test_no_supervision_code_passes_an_audit_action_as_a_string():
    offenders = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "action"
                and isinstance(node.value, ast.Constant | ast.JoinedStr)
            ):
                offenders.append(f"{path.name}:{node.value.lineno}")
    assert offenders == []


def test_the_session_actions_keep_their_codes_and_cover_what_can_be_recorded():
    assert actions.SESSION_BOOKED.code == "supervision.session.booked"
    assert {k: a.code for k, a in actions.SESSION_RECORDED.items()} == {
        "held": "supervision.session.held",
        "cancelled": "supervision.session.cancelled",
    }
    assert all(a.read for a in [actions.SESSION_VIEWED, actions.SUPERVISEES_VIEWED])


def test_recording_a_session_writes_the_action_of_its_status(world, setup):
    _workday, supervision = setup
    services.session_record(
        actor=world.users["supervisor"], session=supervision.session, status="cancelled"
    )
    assert AuditEvent.objects.filter(
        action="supervision.session.cancelled", object_ref=supervision.session.code
    ).exists()


def test_recording_an_unknown_status_is_refused_and_changes_nothing(world, setup):
    _workday, supervision = setup
    with pytest.raises(ValidationError):
        services.session_record(
            actor=world.users["supervisor"], session=supervision.session, status="booked"
        )
    assert Session.objects.get(pk=supervision.session.pk).status == "booked"


def test_asking_for_supervision_is_audited(client, world, login, setup):
    login(world.users["peer"])
    _response, written = reads_during(client, reverse("supervision:mine"), {"message": "Hjälp"})
    assert written == ["supervision.request.created"]
    assert Request.objects.get().message == "Hjälp"


def test_a_self_assessment_is_audited_without_its_answers(world, setup):
    workday, _ = setup
    services.self_assess(
        actor=world.users["peer"], person=workday.person, month=date(2026, 3, 1), answers=answers()
    )
    event = AuditEvent.objects.get(action="supervision.self_assessment.saved")
    assert event.detail == {"month": "2026-03"}


def test_marking_an_action_done_is_audited_once_and_a_second_click_changes_nothing(
    client, world, login, setup
):
    _workday, supervision = setup
    login(world.users["manager"])
    url = reverse("supervision:action_done", args=[supervision.action.pk])
    _response, first = reads_during(client, url, {})
    _response, second = reads_during(client, url, {})
    assert first == ["supervision.action.done"]
    assert second == []
    assert Action.objects.get(pk=supervision.action.pk).done_on == timezone.localdate()


def test_creating_a_meeting_and_its_attendance_are_audited(client, world, login, setup):
    workday, supervision = setup
    assert AuditEvent.objects.filter(
        action="supervision.meeting.created", object_ref=supervision.meeting.code
    ).exists()
    login(world.users["network"])
    url = reverse("supervision:meeting", args=[supervision.meeting.code])
    _response, written = reads_during(client, url, {"attended": [workday.person.code]})
    assert "supervision.meeting.attendance" in written


def test_a_check_in_with_a_personal_number_in_its_second_action_saves_nothing(
    client, world, login, setup
):
    workday, _ = setup
    login(world.users["manager"])
    changes = AuditEvent.objects.exclude(action__endswith=".viewed")
    before = (CheckIn.objects.count(), Action.objects.count(), changes.count())
    response = client.post(
        reverse("supervision:check_ins"),
        {
            "person": workday.person.code,
            "held_on": "2026-04-01",
            "attendees": ["manager"],
            "action_1": "Boka ett forum",
            "due_1": "2026-05-01",
            "action_2": "Ring 19811218-9876",
            "due_2": "2026-05-01",
        },
        **SV,
    )
    assert response.status_code == 200
    assert "Inget sparades" in response.content.decode()
    assert (CheckIn.objects.count(), Action.objects.count(), changes.count()) == before


# Reminders: one use case per reminder, mail through the outbox ------------------------


def test_reminders_queue_their_mail_in_the_outbox_and_send_it_after_commit(
    world, setup, django_capture_on_commit_callbacks
):
    today = date(2026, 6, 10)
    with django_capture_on_commit_callbacks(execute=True):
        sent = run_all(today)
    made = Notification.objects.count()
    assert made == sum(sent.values()) == 4
    assert OutboxMail.objects.filter(sent_at__isnull=False).count() == made
    assert len(mail.outbox) == made
    assert AuditEvent.objects.filter(action="supervision.reminder.sent").count() == made
    with django_capture_on_commit_callbacks(execute=True):
        again = run_all(today)
    assert all(n == 0 for n in again.values())
    assert (OutboxMail.objects.count(), len(mail.outbox), Notification.objects.count()) == (
        made,
        made,
        made,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.extend(envelope.rcpt_tos)
        return "250 OK"


def test_reminders_are_kept_when_the_mail_server_is_down_and_sent_when_it_is_back(
    world, setup, settings, django_capture_on_commit_callbacks
):
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    with django_capture_on_commit_callbacks(execute=True):
        sent = run_all(date(2026, 6, 10))  # nothing listens on the port
    assert sent["supervision_overdue"] == 2
    waiting = OutboxMail.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
    assert waiting.count() == Notification.objects.count() == 4
    inbox = _Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        counts = outbox.deliver(now=timezone.now() + timedelta(hours=1))
    finally:
        server.stop()
    assert counts["sent"] == 4
    assert sorted(set(inbox.received)) == sorted(
        {world.users["supervisor"].email, world.users["peer"].email, world.users["manager"].email}
    )


# Reads of someone else's data: one row per page; the peer's own pages none ------------


def test_the_supervisors_list_of_supervisees_writes_exactly_one_read_row(
    client, world, login, setup
):
    login(world.users["supervisor"])
    response, written = reads_during(client, reverse("supervision:home"))
    assert response.status_code == 200
    assert "Marianne" in response.content.decode()
    assert written == ["supervision.supervisees.viewed"]


def test_a_session_page_writes_exactly_one_read_row_for_the_supervisor(client, world, login, setup):
    _workday, supervision = setup
    login(world.users["supervisor"])
    url = reverse("supervision:session", args=[supervision.session.code])
    response, written = reads_during(client, url)
    assert response.status_code == 200
    assert written == ["supervision.session.viewed"]


def test_the_check_ins_page_writes_exactly_one_read_row(client, world, login, setup):
    workday, _ = setup
    services.drift_share_set(actor=world.users["peer"], person=workday.person, shared=True)
    login(world.users["manager"])
    response, written = reads_during(client, reverse("supervision:check_ins"))
    assert response.status_code == 200
    assert "Marianne" in response.content.decode()
    assert written == ["supervision.check_ins.viewed"]


def test_the_new_meeting_page_writes_exactly_one_read_row(client, world, login, setup):
    login(world.users["network"])
    response, written = reads_during(client, reverse("supervision:meeting_new"))
    assert response.status_code == 200
    assert "Marianne" in response.content.decode()  # the invitation choices
    assert written == ["supervision.meetings.viewed"]


def test_the_peer_network_overview_shows_no_name_and_writes_no_read_row(
    client, world, login, setup
):
    login(world.users["network"])
    response, written = reads_during(client, reverse("supervision:meetings"))
    assert response.status_code == 200
    assert "Marianne" not in response.content.decode()
    assert reverse("supervision:meeting_new") in response.content.decode()
    assert written == []


def test_a_meetings_attendance_list_writes_exactly_one_read_row(client, world, login, setup):
    _workday, supervision = setup
    login(world.users["network"])
    url = reverse("supervision:meeting", args=[supervision.meeting.code])
    response, written = reads_during(client, url)
    assert response.status_code == 200
    assert written == ["supervision.meeting.viewed"]


def test_the_peer_supporters_own_pages_write_no_read_row(client, world, login, setup):
    _workday, supervision = setup
    login(world.users["peer"])
    for url in [
        reverse("supervision:mine"),
        reverse("supervision:self_assessment"),
        reverse("supervision:session", args=[supervision.session.code]),
        reverse("home:notifications"),
    ]:
        response, written = reads_during(client, url)
        assert (url, response.status_code, written) == (url, 200, [])


def test_a_group_session_shows_the_peer_another_persons_name_and_is_audited(
    client, world, login, setup
):
    workday, _ = setup
    colleague = Person.objects.create(network=world.network, full_name="Ola", email="o@t.se")
    Assignment.objects.create(
        supervisor=world.users["supervisor"], person=colleague, valid_from=date(2026, 1, 1)
    )
    group = services.session_book(
        actor=world.users["supervisor"],
        people=[workday.person, colleague],
        starts_at=at(date(2026, 4, 7)),
        ends_at=at(date(2026, 4, 7), 10),
        kind="group",
    )
    login(world.users["peer"])
    response, written = reads_during(client, reverse("supervision:session", args=[group.code]))
    assert "Ola" in response.content.decode()
    assert written == ["supervision.session.viewed"]


# Privacy rule 4 --------------------------------------------------------------------------


def test_the_employer_sees_that_supervision_happened_but_never_the_notes_even_when_shared(
    client, world, login, setup
):
    workday, supervision = setup
    services.session_record(
        actor=world.users["supervisor"],
        session=supervision.session,
        status="held",
        notes="Vi pratade om mörka tankar.",
    )
    services.drift_share_set(actor=world.users["peer"], person=workday.person, shared=True)
    for persona in ["manager", "coordinator"]:
        login(world.users[persona])
        page = client.get(reverse("supervision:check_ins")).content.decode()
        assert "2026-03-03" in page
        assert "mörka tankar" not in page
    dates = selectors.supervision_dates_for_units(
        scope=scope_for(world.users["manager"]), unit_ids=[world.unit_a1.pk]
    )
    assert [len(row) for row in dates] == [2]  # a name and a time, nothing else
    assert not any("mörka" in str(e.detail) for e in AuditEvent.objects.all())


# Two tenants: another network's codes are not there ----------------------------------


def test_another_networks_session_is_404_for_our_supervisor_and_stays_unchanged(
    client, world, login, setup, other
):
    login(world.users["supervisor"])
    url = reverse("supervision:session", args=[other.session.code])
    assert client.get(url).status_code == 404
    response = client.post(url, {"status": "cancelled", "notes": "Inbrott"})
    assert response.status_code == 404
    session = Session.objects.get(pk=other.session.pk)
    assert (session.status, session.notes) == ("booked", "")


def test_booking_another_networks_peer_supporter_books_nothing(client, world, login, setup, other):
    login(world.users["supervisor"])
    before = Session.objects.count()
    response = client.post(
        reverse("supervision:home"),
        {
            "participants": [other.person.code],
            "kind": "individual",
            "mode": "planned",
            "starts_at": "2026-05-04T09:00",
            "ends_at": "2026-05-04T10:00",
        },
        **SV,
    )
    assert response.status_code == 200
    assert "Inget sparades" in response.content.decode()
    assert Session.objects.count() == before


def test_another_networks_meeting_is_404_and_its_attendance_unchanged(
    client, world, login, setup, other
):
    login(world.users["network"])
    url = reverse("supervision:meeting", args=[other.meeting.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"attended": [other.person.code]}).status_code == 404
    assert list(other.meeting.attended.all()) == []
    login(other.coordinator)
    page = client.get(reverse("supervision:meetings")).content.decode()
    assert "Nätverksträff" not in page and "Marianne" not in page


def test_our_peer_cannot_be_invited_to_another_networks_meeting(world, setup, other):
    workday, _ = setup
    with pytest.raises(ValidationError):
        services.meeting_create(
            scope=scope_for(other.coordinator),
            actor=other.coordinator,
            network=other.network,
            kind="network",
            title="Fel",
            starts_at=timezone.now() + timedelta(days=3),
            place="",
            invited=[workday.person],
        )
    assert not NetworkMeeting.objects.filter(title="Fel").exists()


def test_another_regions_agreed_action_is_404_and_stays_open(client, world, login, setup):
    _workday, supervision = setup
    login(world.users["outsider"])
    url = reverse("supervision:action_done", args=[supervision.action.pk])
    assert client.post(url).status_code == 404
    assert Action.objects.get(pk=supervision.action.pk).done_on is None


def test_an_action_id_too_big_for_the_database_is_404(client, world, login, setup):
    login(world.users["manager"])
    response = client.post("/handledning/avstamning/atgard/99999999999999999999999/")
    assert response.status_code == 404


def test_the_outsider_cannot_record_a_check_in_for_region_as_peer_supporter(
    client, world, login, setup
):
    workday, _ = setup
    login(world.users["outsider"])
    response = client.post(
        reverse("supervision:check_ins"),
        {"person": workday.person.code, "held_on": "2026-04-01", "attendees": ["manager"]},
    )
    assert response.status_code == 200
    assert CheckIn.objects.count() == 1  # only the one of the world


# Bad input -----------------------------------------------------------------------------


def test_a_nul_byte_in_a_supervision_form_gets_400_and_saves_nothing(client, world, login, setup):
    _workday, supervision = setup
    login(world.users["supervisor"])
    url = reverse("supervision:session", args=[supervision.session.code])
    response = client.post(url, {"status": "held", "notes": "Bra\x00samtal"})
    assert response.status_code == 400
    assert Session.objects.get(pk=supervision.session.pk).notes == ""
    assert client.get(reverse("supervision:home") + "?vecka=%00").status_code == 400


def test_a_session_before_the_assignment_starts_is_refused_in_swedish(client, world, login, setup):
    workday, _ = setup  # assigned from 1 January 2026
    login(world.users["supervisor"])
    response = client.post(
        reverse("supervision:home"),
        {
            "participants": [workday.person.code],
            "kind": "individual",
            "mode": "planned",
            "starts_at": "2025-12-15T09:00",
            "ends_at": "2025-12-15T10:00",
        },
        **SV,
    )
    assert response.status_code == 200
    assert "utanför perioden för ditt handledaruppdrag" in response.content.decode()
    assert not Session.objects.filter(starts_at__year=2025).exists()


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ("0001-01-01T00:30", "0001-01-01T01:30"),
        ("9999-12-31T21:00", "9999-12-31T22:00"),
        ("2026-05-04T09:00", "2100-05-04T09:00"),
    ],
)
def test_a_booking_with_dates_out_of_range_or_huge_length_is_a_form_error(
    client, world, login, setup, starts, ends
):
    workday, _ = setup
    login(world.users["supervisor"])
    before = Session.objects.count()
    response = client.post(
        reverse("supervision:home"),
        {
            "participants": [workday.person.code],
            "kind": "individual",
            "mode": "planned",
            "starts_at": starts,
            "ends_at": ends,
        },
        **SV,
    )
    assert response.status_code == 200
    assert "Inget sparades" in response.content.decode()
    assert Session.objects.count() == before


def test_a_check_in_dated_out_of_range_saves_nothing(client, world, login, setup):
    workday, _ = setup
    login(world.users["manager"])
    response = client.post(
        reverse("supervision:check_ins"),
        {
            "person": workday.person.code,
            "held_on": "9999-12-31",
            "attendees": ["manager"],
            "action_1": "Boka ett forum",
            "due_1": "0001-01-01",
        },
        **SV,
    )
    assert response.status_code == 200
    assert "1990 och 2100" in response.content.decode()
    assert CheckIn.objects.count() == 1


def test_an_agreed_action_due_before_its_meeting_is_refused(world, setup):
    workday, _ = setup
    with pytest.raises(ValidationError) as raised:
        services.check_in_record(
            scope=scope_for(world.users["manager"]),
            actor=world.users["manager"],
            person=workday.person,
            unit=world.unit_a1,
            held_on=date(2026, 4, 1),
            attendees=["manager"],
            actions=[("Boka ett forum", date(2026, 3, 1))],
        )
    assert "due_1" in raised.value.error_dict


def test_a_self_assessment_for_a_future_month_is_refused_and_saves_nothing(world, setup):
    workday, _ = setup
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    with pytest.raises(ValidationError):
        services.self_assess(
            actor=world.users["peer"], person=workday.person, month=next_month, answers=answers()
        )
    assert not SelfAssessment.objects.exists()


def test_self_assessment_answers_out_of_the_scale_on_the_page_save_nothing(
    client, world, login, setup
):
    login(world.users["peer"])
    data = {key: "4" for key, _text in QUESTIONS}
    data["secure"] = "9"
    response = client.post(reverse("supervision:self_assessment"), data, **SV)
    assert response.status_code == 200
    assert "Inget sparades" in response.content.decode()
    data["secure"] = "fyra"
    assert client.post(reverse("supervision:self_assessment"), data).status_code == 200
    assert not SelfAssessment.objects.exists()


def test_a_phone_number_in_a_request_for_supervision_is_refused_in_swedish(
    client, world, login, setup
):
    login(world.users["peer"])
    response = client.post(
        reverse("supervision:mine"), {"message": "Ring mig på 070-123 45 67"}, **SV
    )
    assert response.status_code == 200
    assert "telefonnummer" in response.content.decode().lower()
    assert not Request.objects.exists()


def test_a_meeting_far_outside_the_working_years_is_a_form_error(client, world, login, setup):
    login(world.users["network"])
    response = client.post(
        reverse("supervision:meeting_new"),
        {"kind": "network", "title": "Träff", "starts_at": "0001-01-01T00:30", "place": ""},
        **SV,
    )
    assert response.status_code == 200
    assert "1990 och 2100" in response.content.decode()
    assert NetworkMeeting.objects.count() == 1


# Once only -----------------------------------------------------------------------------


def _twice(client, url, data):
    return [client.post(url, data).status_code for _ in range(2)]


def test_a_double_post_books_one_session_and_both_answers_say_booked(client, world, login, setup):
    workday, _ = setup
    login(world.users["supervisor"])
    data = {
        "participants": [workday.person.code],
        "kind": "individual",
        "mode": "planned",
        "starts_at": "2026-05-04T09:00",
        "ends_at": "2026-05-04T10:00",
        "once": "boka-en-gang",
    }
    assert _twice(client, reverse("supervision:home"), data) == [302, 302]
    assert Session.objects.filter(starts_at__date=date(2026, 5, 4)).count() == 1


def test_a_double_post_asks_for_supervision_once(client, world, login, setup):
    login(world.users["peer"])
    data = {"message": "Behöver prata", "once": "fraga-en-gang"}
    assert _twice(client, reverse("supervision:mine"), data) == [302, 302]
    assert Request.objects.count() == 1


def test_a_double_post_records_one_check_in(client, world, login, setup):
    workday, _ = setup
    login(world.users["manager"])
    data = {
        "person": workday.person.code,
        "held_on": "2026-04-01",
        "attendees": ["manager"],
        "action_1": "Boka ett forum",
        "due_1": "2026-05-01",
        "once": "avstamning-en-gang",
    }
    assert _twice(client, reverse("supervision:check_ins"), data) == [302, 302]
    assert CheckIn.objects.filter(held_on=date(2026, 4, 1)).count() == 1
    assert Action.objects.filter(text="Boka ett forum").count() == 1


def test_a_double_post_creates_one_meeting(client, world, login, setup):
    workday, _ = setup
    login(world.users["network"])
    data = {
        "kind": "network",
        "title": "Vårträff",
        "starts_at": "2026-05-20T13:00",
        "place": "Halmstad",
        "invited": [workday.person.code],
        "once": "traff-en-gang",
    }
    assert _twice(client, reverse("supervision:meeting_new"), data) == [302, 302]
    assert NetworkMeeting.objects.filter(title="Vårträff").count() == 1


def test_another_supervisors_one_time_key_does_not_return_their_session(world, setup, other):
    workday, _ = setup
    services.session_book(
        actor=other.supervisor,
        people=[other.person],
        starts_at=at(date(2026, 5, 5)),
        ends_at=at(date(2026, 5, 5), 10),
        once="delad-nyckel",
    )
    with pytest.raises(ValidationError):
        services.session_book(
            actor=world.users["supervisor"],
            people=[workday.person],
            starts_at=at(date(2026, 5, 6)),
            ends_at=at(date(2026, 5, 6), 10),
            once="delad-nyckel",
        )


def test_assigning_a_supervisor_is_audited_and_another_networks_supervisor_is_refused(
    world, setup, other
):
    network = world.users["network"]
    colleague = Person.objects.create(network=world.network, full_name="Ola", email="o@t.se")
    with pytest.raises(ValidationError) as raised:
        services.assign(
            scope=scope_for(network),
            actor=network,
            supervisor=other.supervisor,
            person=colleague,
            valid_from=date(2026, 4, 1),
        )
    assert "supervisor" in raised.value.error_dict
    assert not Assignment.objects.filter(person=colleague).exists()
    services.assign(
        scope=scope_for(network),
        actor=network,
        supervisor=world.users["supervisor"],
        person=colleague,
        valid_from=date(2026, 4, 1),
    )
    assert AuditEvent.objects.filter(
        action="supervision.assigned", object_ref=colleague.code
    ).exists()
    with pytest.raises(ValidationError):  # the same assignment twice
        services.assign(
            scope=scope_for(network),
            actor=network,
            supervisor=world.users["supervisor"],
            person=colleague,
            valid_from=date(2026, 5, 1),
        )
    assert Assignment.objects.filter(person=colleague).count() == 1


def test_a_personal_number_in_session_notes_is_refused_in_swedish_and_nothing_saved(
    client, world, login, setup
):
    _workday, supervision = setup
    login(world.users["supervisor"])
    response = client.post(
        reverse("supervision:session", args=[supervision.session.code]),
        {"status": "cancelled", "notes": "Patienten 19811218-9876 var med"},
        **SV,
    )
    assert response.status_code == 200
    assert "personnummer" in response.content.decode().lower()
    session = Session.objects.get(pk=supervision.session.pk)
    assert (session.status, session.notes) == ("booked", "")
    assert not AuditEvent.objects.filter(action="supervision.session.cancelled").exists()


def test_the_new_meeting_page_refuses_another_networks_peer_and_personal_data_saving_nothing(
    client, world, login, setup, other
):
    """As an attacker: the other network's coordinator posts our peer supporter's code,
    then a title with a disguised personnummer, markup and a formula."""
    workday, _ = setup
    before = NetworkMeeting.objects.count()
    login(other.coordinator)
    url = reverse("supervision:meeting_new")
    data = {
        "kind": "network",
        "title": "Vårträff",
        "starts_at": "2026-05-20T13:00",
        "place": "Halmstad",
        "invited": [workday.person.code],
    }
    refused = client.post(url, data, **SV)
    assert refused.status_code == 200
    assert workday.person.full_name not in refused.content.decode()
    for title in ("Träff för 1912 12 12 – 1212", '<script>alert(1)</script>=HYPERLINK("x")'):
        page = client.post(url, {**data, "invited": [], "title": title}, **SV)
        if "1212" in title:
            assert page.status_code == 200 and "personnummer" in page.content.decode().lower()
        else:
            assert page.status_code == 302
            saved = NetworkMeeting.objects.latest("pk")
            assert saved.title == title  # kept as text, escaped where shown
            shown = client.get(reverse("supervision:meetings")).content.decode()
            assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;" in shown
            saved.delete()
    assert NetworkMeeting.objects.count() == before
