"""The start pages that supervision and work contribute: the supervisor's supervisees by
signal with "Boka", the peer supporter's "Logga arbete", today's schedule, own signal and
self-assessment, and what is overdue for the network, coordinators and managers. Never
a false empty state."""

import re
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.people.models import Certification, Person
from peerstod.placement.models import Employment
from peerstod.supervision import services
from peerstod.supervision.models import Assignment, SessionStatus
from peerstod.supervision.questions import QUESTIONS
from peerstod.work.models import ScheduleItem
from tests.work_world import make_peer

APPEAR_HERE = "De du handleder visas här när nätverket kopplar dem till dig."


def today():
    return timezone.localdate()


def dashboard(client) -> str:
    return client.get(reverse("home:dashboard")).content.decode()


def held(world, person, day):
    """A session with `person` on `day`, booked and recorded as held by the supervisor
    (at an hour of its own: the supervisor has one session at a time)."""
    hour = 8 + Person.objects.filter(pk__lt=person.pk).count() % 10
    starts = timezone.make_aware(datetime.combine(day, time(hour)))
    supervisor = world.users["supervisor"]
    session = services.session_book(
        actor=supervisor, people=[person], starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    services.session_record(actor=supervisor, session=session, status=SessionStatus.HELD)


def supervisee(world, name, *, weeks_ago=None) -> Person:
    """A certified peer supporter at work on unit A1, supervised by the supervisor persona;
    last supervision `weeks_ago` weeks ago (None: never)."""
    person = Person.objects.create(
        network=world.network,
        full_name=name,
        email=f"{name.split()[0].lower()}@test.se",
        fte_min=50,
        fte_max=50,
    )
    Certification.objects.create(person=person, kind="basic", certified_on=date(2025, 1, 1))
    Employment.objects.create(
        person=person, unit=world.unit_a1, fte_percent=50, starts_on=today() - timedelta(days=400)
    )
    Assignment.objects.create(
        supervisor=world.users["supervisor"],
        person=person,
        valid_from=today() - timedelta(days=400),
    )
    if weeks_ago is not None:
        held(world, person, today() - timedelta(weeks=weeks_ago))
    return person


# The supervisor ------------------------------------------------------------------------


def test_the_supervisor_sees_supervisees_red_first_each_with_boka_and_the_signal_in_words(
    client, world, login
):
    green = supervisee(world, "Ada Grön", weeks_ago=1)
    amber = supervisee(world, "Marianne Peer")  # never supervised: amber
    red = supervisee(world, "Rut Röd", weeks_ago=10)
    login(world.users["supervisor"])
    page = dashboard(client)
    booking = reverse("supervision:home")
    links = re.findall(rf'href="{booking}\?med=([^"#]+)#boka"', page)
    # Red, amber, green: not the alphabetical order (Ada, Marianne, Rut).
    assert links == [red.code, amber.code, green.code]
    assert page.index("Rut Röd") < page.index("Marianne Peer") < page.index("Ada Grön")
    assert "Signal: Röd" in page and "Signal: Gul" in page and "Signal: Grön" in page
    assert "Senaste handledningen för 10 veckor sedan." in page
    assert "Ingen handledning registrerad ännu." in page
    assert page.count(">Boka<") == 3
    assert APPEAR_HERE not in page


def test_the_supervisors_start_page_notes_one_read_of_the_supervisees(client, world, login):
    supervisee(world, "Rut Röd", weeks_ago=10)
    supervisee(world, "Ada Grön", weeks_ago=1)
    login(world.users["supervisor"])
    before = AuditEvent.objects.filter(action="supervision.supervisees.viewed").count()
    dashboard(client)
    assert AuditEvent.objects.filter(action="supervision.supervisees.viewed").count() == before + 1


def test_a_supervisor_without_supervisees_is_told_they_appear_here(client, world, login):
    login(world.users["supervisor"])
    page = dashboard(client)
    assert APPEAR_HERE in page
    assert "?med=" not in page


def test_boka_opens_the_booking_form_with_that_supervisee_ticked(client, world, login):
    red = supervisee(world, "Rut Röd", weeks_ago=10)
    other = supervisee(world, "Ada Grön", weeks_ago=1)
    login(world.users["supervisor"])
    page = client.get(reverse("supervision:home") + f"?med={red.code}").content.decode()
    box = r'<input type="checkbox" name="participants" value="([^"]+)"[^>]*checked'
    ticked = re.findall(box, page)
    assert ticked == [red.code]
    assert other.code in page and 'id="boka"' in page


# The peer supporter ---------------------------------------------------------------------


def make_at_work(world, *, weekday) -> Person:
    person = make_peer(world)
    Employment.objects.create(
        person=person, unit=world.unit_a1, fte_percent=75, starts_on=today() - timedelta(days=60)
    )
    ScheduleItem.objects.create(
        person=person,
        unit=world.unit_a1,
        weekday=weekday,
        starts_at=time(13),
        ends_at=time(14),
        title="Peer support öppet",
        place="Arbetsterapin",
        category="open_hour",
        valid_from=today() - timedelta(days=30),
    )
    return person


def test_the_peer_supporter_starts_with_logga_arbete_and_todays_schedule(client, world, login):
    make_at_work(world, weekday=today().weekday())
    login(world.users["peer"])
    page = dashboard(client)
    log_button = f'<a class="button big-action" href="{reverse("work:log")}">Logga arbete</a>'
    assert log_button in page
    assert "13:00–14:00</strong> Peer support öppet, Arbetsterapin" in page
    assert page.index(log_button) < page.index("Peer support öppet")
    assert "Inget schemalagt i dag." not in page


def test_a_peer_supporter_with_nothing_today_is_told_so_with_a_link_to_the_week(
    client, world, login
):
    make_at_work(world, weekday=(today().weekday() + 1) % 7)
    login(world.users["peer"])
    page = dashboard(client)
    assert "Inget schemalagt i dag." in page
    assert f'<a href="{reverse("work:schedule")}">Se din vecka</a>' in page
    assert "Peer support öppet" not in page


def test_the_peer_supporter_sees_their_signal_in_words_and_that_the_self_assessment_is_due(
    client, world, login
):
    make_at_work(world, weekday=0)
    login(world.users["peer"])
    page = dashboard(client)
    assert "Din driftsignal" in page and "Signal: Gul" in page
    assert "Ingen handledning registrerad ännu." in page  # the reason, not only a colour
    assert "Månadens självskattning är inte gjord ännu." in page
    assert f'<a href="{reverse("supervision:self_assessment")}">Gör självskattningen</a>' in page


def test_once_answered_the_self_assessment_is_no_longer_asked_for(client, world, login):
    person = make_at_work(world, weekday=0)
    services.self_assess(
        actor=world.users["peer"],
        person=person,
        month=today(),
        answers={key: 4 for key, _text in QUESTIONS},
    )
    login(world.users["peer"])
    page = dashboard(client)
    assert "Månadens självskattning är gjord. Tack." in page
    assert "Gör självskattningen" not in page


def test_the_peer_supporters_start_page_notes_no_read_of_their_own_data(client, world, login):
    make_at_work(world, weekday=today().weekday())
    login(world.users["peer"])
    before = AuditEvent.objects.count()
    dashboard(client)
    assert not AuditEvent.objects.filter(pk__gt=0).order_by("pk")[before:].exists()


# What is overdue -------------------------------------------------------------------------


def test_the_network_coordinator_is_told_plainly_when_no_supervision_is_overdue(
    client, world, login
):
    for n in range(5):  # the threshold: the organisation's figures may be shown
        supervisee(world, f"Person{n} Test", weeks_ago=1)
    login(world.users["network"])
    page = dashboard(client)
    assert "Ingenting är försenat: alla nätverkets peer supporters som arbetar i dag" in page
    assert "Person0" not in page  # counts only, never a name


def test_overdue_supervision_in_a_small_organisation_is_hidden_never_called_nothing(
    client, world, login
):
    supervisee(world, "Rut Röd", weeks_ago=10)
    supervisee(world, "Ada Grön", weeks_ago=1)
    login(world.users["network"])
    page = dashboard(client)
    assert "Ingenting är försenat: alla nätverkets" not in page
    assert "Försenad handledning (4 veckor eller mer utan)" in page
    row = re.search(r"<th scope=\"row\">Region A</th>(.*?)</tr>", page, re.S)
    assert row is not None
    assert re.findall(r'<td class="num">([^<]*)</td>', row.group(1)) == ["–", "–"]
    assert "Rut Röd" not in page


def test_five_overdue_of_five_are_counted_for_the_network(client, world, login):
    for n in range(5):
        supervisee(world, f"Person{n} Test", weeks_ago=6)
    login(world.users["network"])
    page = dashboard(client)
    row = re.search(r"<th scope=\"row\">Region A</th>(.*?)</tr>", page, re.S)
    assert re.findall(r'<td class="num">([^<]*)</td>', row.group(1)) == ["5", "5"]


def test_a_network_with_nobody_at_work_is_not_told_nothing_is_overdue(client, world, login):
    login(world.users["network"])
    page = dashboard(client)
    assert "Ingen av nätverkets certifierade peer supporters arbetar på en enhet i dag" in page
    assert "Ingenting är försenat: alla" not in page


def _check_in_with_action(world, person, due):
    manager = world.users["manager"]
    services.check_in_record(
        scope=scope_for(manager),
        actor=manager,
        person=person,
        unit=world.unit_a1,
        held_on=today() - timedelta(days=20),
        attendees=["manager"],
        actions=[("Presentera forumet", due)],
    )


def test_managers_and_coordinators_see_actions_past_due_as_next_steps(client, world, login):
    person = supervisee(world, "Rut Röd", weeks_ago=1)
    _check_in_with_action(world, person, today() - timedelta(days=2))
    for persona in ("manager", "coordinator"):
        login(world.users[persona])
        page = dashboard(client)
        assert f"{world.unit_a1.name}: en åtgärd från en avstämning har passerat sitt datum" in page
        assert f'href="{reverse("supervision:check_ins")}"' in page
        assert "Ingenting är försenat: ingen åtgärd" not in page
        assert "Rut Röd" not in page


def test_managers_are_told_plainly_when_no_action_is_past_due(client, world, login):
    person = supervisee(world, "Rut Röd", weeks_ago=1)
    _check_in_with_action(world, person, today() + timedelta(days=5))
    login(world.users["manager"])
    page = dashboard(client)
    assert "Ingenting är försenat: ingen åtgärd från en avstämning har passerat sitt datum." in page
    assert "har passerat sitt datum</a>" not in page
