"""The start pages of the trainer, the recruitment team, the unit manager and the
programme coordinator: their first actions lead to the page where the work is done, and
an empty state is shown only when it is true."""

import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.placement import services as placement_services
from peerstod.recruitment import services
from tests.placement_world import make_ready, new_position
from tests.recruitment_world import admit, basic_cohort, make_recruitment, open_call, submit


def steps_of(response) -> list[tuple[str, str]]:
    """(href, text) of every next step on the start page, in order."""
    html = response.content.decode()
    found = []
    for block in re.findall(r'<ul class="steps">(.*?)</ul>', html, re.S):
        found += re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', block, re.S)
    return found


def dashboard(client, login, user):
    login(user)
    response = client.get(reverse("home:dashboard"))
    assert response.status_code == 200
    return response


def _trainer_world(world):
    """A cohort the trainer teaches: ten days behind (the last two unmarked for Lina) and
    one day ahead at a named place."""
    cohort = basic_cohort(world)
    application, _token = submit(open_call(world))
    admit(world, application, cohort)
    trainer = world.users["trainer"]
    sessions = list(cohort.sessions.order_by("day"))
    for session in sessions[:8]:
        services.attendance_mark(
            scope=scope_for(trainer),
            actor=trainer,
            session=session,
            enrolment=application.enrolment,
            present=True,
        )
    network = world.users["network"]
    ahead = services.session_add(
        scope=scope_for(network),
        actor=network,
        cohort=cohort,
        day=timezone.localdate() + timedelta(days=3),
        topic="Samtalet",
        place="Folkets hus, sal 2",
    )
    return cohort, sessions, ahead


# The trainer -------------------------------------------------------------------------


def test_the_trainers_first_action_is_the_latest_day_with_attendance_to_mark(client, world, login):
    cohort, sessions, _ahead = _trainer_world(world)
    steps = steps_of(dashboard(client, login, world.users["trainer"]))
    assert steps[0][0] == reverse("recruitment:attendance", args=[sessions[9].code])
    assert steps[1][0] == reverse("recruitment:attendance", args=[sessions[8].code])
    assert "Markera närvaron i Grundutbildning" in steps[0][1]
    marked = {reverse("recruitment:attendance", args=[s.code]) for s in sessions[:8]}
    assert not marked & {href for href, _text in steps}


def test_the_trainer_sees_the_next_training_day_with_its_cohort_and_place(client, world, login):
    cohort, _sessions, ahead = _trainer_world(world)
    html = dashboard(client, login, world.users["trainer"]).content.decode()
    assert "Nästa utbildningsdagar" in html
    assert "Folkets hus, sal 2" in html
    assert reverse("recruitment:cohort", args=[cohort.code]) in html
    assert "Inga utbildningsdagar är planerade" not in html


def test_the_trainer_is_told_nothing_is_planned_only_when_no_day_lies_ahead(client, world, login):
    cohort, sessions, ahead = _trainer_world(world)
    ahead.delete()
    html = dashboard(client, login, world.users["trainer"]).content.decode()
    assert "Inga utbildningsdagar är planerade i dina utbildningsomgångar" in html
    # The days behind still need marking: the page does not say all is done.
    assert "All närvaro till och med i dag är markerad" not in html


def test_a_trainer_whose_attendance_is_all_marked_is_told_so(client, world, login):
    cohort, sessions, _ahead = _trainer_world(world)
    trainer = world.users["trainer"]
    enrolment = cohort.enrolments.get()
    for session in sessions[8:]:
        services.attendance_mark(
            scope=scope_for(trainer),
            actor=trainer,
            session=session,
            enrolment=enrolment,
            present=False,
        )
    response = dashboard(client, login, trainer)
    assert "All närvaro till och med i dag är markerad" in response.content.decode()
    assert not any("/utbildning/dag/" in href for href, _text in steps_of(response))


def test_a_trainer_without_cohorts_gets_the_plain_message(client, world, login):
    html = dashboard(client, login, world.users["trainer"]).content.decode()
    assert "Dina utbildningsomgångar visas här när nätverkssamordnaren" in html
    assert "Nästa utbildningsdagar" not in html


def test_a_trainer_sees_no_training_days_of_a_cohort_they_do_not_teach(client, world, login):
    cohort, _sessions, ahead = _trainer_world(world)
    cohort.trainers.clear()
    html = dashboard(client, login, world.users["trainer"]).content.decode()
    assert "Folkets hus, sal 2" not in html
    assert "/utbildning/dag/" not in html


# The recruitment team -----------------------------------------------------------------


def test_the_team_sees_applications_waiting_past_the_limit_with_a_link_to_that_step(
    client, world, login
):
    call = open_call(world, opens_on=timezone.localdate() - timedelta(days=30))
    now = timezone.now()
    submit(call, email="a@test.se", now=now - timedelta(days=11))
    submit(call, email="b@test.se", now=now - timedelta(days=12))
    submit(call, email="c@test.se", now=now - timedelta(days=2))
    steps = steps_of(dashboard(client, login, world.users["network"]))
    href, text = steps[0]
    assert href == reverse("recruitment:call", args=[call.code]) + "?steg=received"
    assert text.startswith("2 ansökningar till Bli peer supporter har väntat mer än 10 dagar")


def test_the_team_is_told_nothing_waits_only_when_nothing_does(client, world, login):
    call = open_call(world, opens_on=timezone.localdate() - timedelta(days=30))
    submit(call, email="c@test.se", now=timezone.now() - timedelta(days=2))
    html = dashboard(client, login, world.users["network"]).content.decode()
    assert "Ingen ansökan har väntat mer än 10 dagar i ett steg" in html
    submit(call, email="d@test.se", now=timezone.now() - timedelta(days=20))
    html = client.get(reverse("home:dashboard")).content.decode()
    assert "Ingen ansökan har väntat mer än 10 dagar i ett steg" not in html


def test_completed_participants_without_a_certificate_lead_to_their_cohort(client, world, login):
    cohort = basic_cohort(world)
    application, _token = submit(open_call(world))
    admit(world, application, cohort)
    network = world.users["network"]
    trainer = world.users["trainer"]
    for session in cohort.sessions.all():
        services.attendance_mark(
            scope=scope_for(trainer),
            actor=trainer,
            session=session,
            enrolment=application.enrolment,
            present=True,
        )
    services.enrolment_complete(
        scope=scope_for(network), actor=network, enrolment=application.enrolment, on=date.today()
    )
    steps = steps_of(dashboard(client, login, network))
    assert (
        reverse("recruitment:cohort", args=[cohort.code]),
        "1 deltagare i Grundutbildning har slutfört och väntar på sitt intyg",
    ) in steps


# The unit manager -------------------------------------------------------------------


def test_the_managers_first_action_is_the_readiness_checklist_of_their_unit(client, world, login):
    response = dashboard(client, login, world.users["manager"])
    href, text = steps_of(response)[0]
    assert href == reverse("placement:readiness", args=[world.unit_a1.code])
    assert text.startswith(f"Gör klart beredskapslistan för {world.unit_a1.name}")
    html = response.content.decode()
    assert "Dina enheters beredskap" in html
    assert "Chefen informerad" in html  # an item not done is named


def test_a_manager_whose_unit_is_ready_is_told_so_and_sent_nowhere(client, world, login):
    make_ready(world, world.unit_a1)
    new_position(world, world.unit_a1, seats=2, agreed=True)
    response = dashboard(client, login, world.users["manager"])
    assert "Din enhet är redo att ta emot en peer supporter" in response.content.decode()
    readiness = reverse("placement:readiness", args=[world.unit_a1.code])
    assert readiness not in {href for href, _text in steps_of(response)}


def test_the_manager_is_asked_to_agree_a_role_description_not_agreed(client, world, login):
    position = new_position(world, world.unit_a1, agreed=False)
    steps = steps_of(dashboard(client, login, world.users["manager"]))
    assert reverse("placement:position", args=[position.code]) in {href for href, _t in steps}


# The programme coordinator ---------------------------------------------------------


def test_the_coordinator_sees_positions_no_event_offers_and_events_to_confirm(client, world, login):
    make_ready(world, world.unit_a1)
    offered = new_position(world, world.unit_a1)
    alone = new_position(world, world.unit_a2)
    coordinator = world.users["coordinator"]
    event = placement_services.event_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        organisation=world.region_a,
        title="Mingel",
        held_on=date.today() - timedelta(days=2),
        peers=[],
        positions=[offered],
    )
    steps = steps_of(dashboard(client, login, coordinator))
    hrefs = [href for href, _text in steps]
    assert reverse("placement:event", args=[event.code]) in hrefs
    texts = " | ".join(text for _href, text in steps)
    assert "Bekräfta matchningarna från Mingel" in texts
    assert f"Tjänsten på {alone.unit.name} börjar" in texts
    assert f"Tjänsten på {offered.unit.name} börjar" not in texts
    assert reverse("placement:readiness", args=[world.unit_a2.code]) in hrefs


def test_the_coordinator_is_told_no_position_is_open_only_when_none_is(client, world, login):
    html = dashboard(client, login, world.users["coordinator"]).content.decode()
    assert "Ingen tjänst är öppen" in html
    new_position(world, world.unit_a1)
    html = client.get(reverse("home:dashboard")).content.decode()
    assert "Ingen tjänst är öppen" not in html
    assert "1 öppen tjänst med 2 platser" in html


def test_a_small_number_of_available_peer_supporters_is_not_shown(client, world, login):
    make_recruitment(world)  # one certified peer supporter, available
    html = dashboard(client, login, world.users["coordinator"]).content.decode()
    assert "tillgängliga för placering: färre än 5" in html
    assert "tillgängliga för placering: 1." not in html
