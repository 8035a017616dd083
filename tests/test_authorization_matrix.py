"""Every URL pattern × every persona: allowed, denied (403), hidden (404) or redirected.

A URL pattern without a row here fails `test_every_url_has_a_row`: adding a page means
deciding who may see it.
"""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import PERSONAS
from tests.factories import UserFactory
from tests.forum_world import make_forum
from tests.placement_world import make_placement
from tests.recruitment_world import make_recruitment
from tests.supervision_world import make_supervision
from tests.survey_world import make_survey, shipped
from tests.work_world import make_workday

ALL = set(PERSONAS) - {"anonymous"}
OK, REDIRECT, FORBIDDEN, MISSING, NOT_ALLOWED = 200, 302, 403, 404, 405


SURVEY_READERS = ("admin", "network", "coordinator", "manager", "evaluator")


def allow(*personas, others=FORBIDDEN, anonymous=REDIRECT, **special):
    row = {p: others for p in PERSONAS}
    row.update({p: OK for p in personas})
    row["anonymous"] = anonymous
    row.update(special)
    return row


def everyone(status):
    return {p: status for p in PERSONAS}


# url name → (arguments from the world, {persona: expected status})
MATRIX = {
    "core:start": (None, {**everyone(REDIRECT), "anonymous": OK}),
    "core:dashboard": (None, allow(*ALL)),
    "core:audit": (None, allow("admin", "network", "coordinator", "outsider")),
    "core:healthz": (None, everyone(OK)),
    "accounts:login": (None, {**everyone(REDIRECT), "anonymous": OK}),
    "accounts:logout": (None, everyone(NOT_ALLOWED)),
    "accounts:profile": (None, allow(*ALL)),
    "accounts:password_change": (None, allow(*ALL)),
    "accounts:password_change_done": (None, allow(*ALL)),
    "accounts:password_reset": (None, everyone(OK)),
    "accounts:password_reset_done": (None, everyone(OK)),
    # A valid link moves its token into the session and redirects to the form.
    "accounts:password_reset_confirm": ("reset", everyone(REDIRECT)),
    "accounts:password_reset_complete": (None, everyone(OK)),
    "orgs:list": (None, allow(*(ALL - {"peer"}))),
    "orgs:organisation": (
        "region_a",
        allow(*(ALL - {"peer", "outsider"}), outsider=MISSING),
    ),
    "orgs:unit": ("unit_a1", allow(*(ALL - {"outsider"}), outsider=MISSING)),
    "orgs:unit_create": (None, allow("admin", "coordinator", "outsider")),
    "orgs:unit_edit": ("unit_a1", allow("admin", "coordinator", outsider=MISSING)),
    "orgs:agreements": (None, allow("admin", "network", "coordinator", "outsider")),
    "orgs:agreement_create": (None, allow("admin", "network")),
    "set_language": (None, everyone(REDIRECT)),
    # Recruitment: public pages need no login; applications are for the network's
    # recruitment team (its coordinators) only; the funnel is an aggregate for both
    # parties' coordinators and the evaluator.
    "recruitment:public_calls": (None, everyone(OK)),
    "recruitment:apply": ("call", everyone(OK)),
    "recruitment:status_root": (None, everyone(REDIRECT)),
    "recruitment:status": ("token", everyone(OK)),
    "recruitment:calls": (None, allow("admin", "network", "coordinator", "evaluator", "outsider")),
    "recruitment:call_create": (None, allow("admin", "network")),
    "recruitment:funnel": (None, allow("admin", "network", "coordinator", "evaluator", "outsider")),
    "recruitment:call": ("call", allow("admin", "network")),
    "recruitment:application": ("application", allow("admin", "network")),
    "recruitment:application_export": ("application", allow("admin", "network")),
    "recruitment:cohorts": (None, allow("admin", "network", "trainer")),
    "recruitment:cohort_create": (None, allow("admin", "network")),
    "recruitment:cohort": ("cohort", allow("admin", "network", "trainer")),
    "recruitment:enrolment_action": ("enrolment", everyone(NOT_ALLOWED)),  # POST only
    "recruitment:attendance": ("session", allow("admin", "network", "trainer")),
    "recruitment:certificate": ("certification", allow("admin", "network")),
    # Placement: the principal's coordinators; unit managers for their own units' roles
    # and readiness; the evaluator sees the follow-up (suppressed aggregates).
    "placement:overview": (None, allow("admin", "coordinator", "manager", "outsider")),
    "placement:position_create": (None, allow("admin", "coordinator", "outsider")),
    "placement:position": ("position", allow("admin", "coordinator", "manager", outsider=MISSING)),
    "placement:staff_training": (None, allow("admin", "coordinator", "outsider")),
    "placement:readiness": ("unit_a1", allow("admin", "coordinator", "manager", outsider=MISSING)),
    "placement:events": (None, allow("admin", "coordinator", "outsider")),
    "placement:event": ("event", allow("admin", "coordinator", outsider=MISSING)),
    "placement:employments": (None, allow("admin", "coordinator", "outsider")),
    "placement:employment": ("employment", allow("admin", "coordinator", outsider=MISSING)),
    "placement:supply": (None, allow("admin", "coordinator", "outsider")),
    "placement:follow_up": (None, allow("admin", "coordinator", "evaluator", "outsider")),
    # The workday: the peer supporter's own log and week; reports for the unit's managers
    # and coordinators; the iCal feed is public behind its secret token.
    "work:log": ("workday", allow("peer")),
    "work:entry": ("entry", allow("peer", admin=MISSING)),
    "work:schedule": ("workday", allow("peer")),
    "work:feed_link": (None, allow(others=FORBIDDEN, admin=REDIRECT, peer=REDIRECT)),
    "work:schedule_item": ("item", allow("peer", "admin")),
    "work:feed": ("feed", everyone(OK)),
    "work:poster": ("unit_a1", allow("admin", "peer", "manager", "coordinator", outsider=MISSING)),
    "work:report": (None, allow("admin", "peer", "manager", "coordinator", "outsider")),
    # Supervision: content for the supervisor and the peer supporter only; the employer
    # records check-ins; the network coordinator runs the peer network.
    "supervision:home": (None, allow("admin", "supervisor")),
    "supervision:session": ("supervision_session", allow("supervisor", "peer", admin=MISSING)),
    "supervision:mine": ("workday", allow("peer")),
    "supervision:self_assessment": ("workday", allow("peer")),
    "supervision:check_ins": (None, allow("admin", "manager", "coordinator", "outsider")),
    "supervision:action_done": ("action", everyone(NOT_ALLOWED)),  # POST only
    "supervision:meetings": (None, allow("admin", "network")),
    "supervision:meeting": ("meeting", allow("network", admin=MISSING)),
    "supervision:notifications": (None, allow(*ALL)),
    # Forum: the unit's peer supporter runs it, its managers answer; the public pages and
    # the suggestion box need no login, only the forum's opaque code.
    "forum:index": (None, allow("admin", "peer", "manager", "coordinator", "outsider")),
    "forum:detail": ("forum", allow("admin", "peer", "manager", "coordinator", outsider=MISSING)),
    "forum:meeting": (
        "forum_meeting",
        allow("admin", "peer", "manager", "coordinator", outsider=MISSING),
    ),
    "forum:answer": ("suggestion", everyone(NOT_ALLOWED)),  # POST only
    "forum:public": ("forum", everyone(OK)),
    "forum:poster": ("forum", everyone(OK)),
    "forum:box": ("forum", everyone(OK)),
    "forum:qr": ("forum", everyone(OK)),
    "surveys:index": (None, allow(*SURVEY_READERS, "outsider")),
    "surveys:instruments": (None, allow(*SURVEY_READERS, "outsider")),
    "surveys:instrument": ("instrument", allow(*SURVEY_READERS, "outsider")),
    "surveys:round": ("survey", allow(*SURVEY_READERS, outsider=MISSING)),
    "surveys:slips": ("survey", everyone(NOT_ALLOWED)),  # POST only
    "surveys:link_qr": ("survey_unit", allow(*SURVEY_READERS, outsider=MISSING)),
    "surveys:paper": ("survey", allow("admin", "coordinator", "manager", outsider=MISSING)),
    # Open round: the coordinator sees interim results, the others a page that says when.
    "surveys:results": ("survey", allow(*SURVEY_READERS, outsider=MISSING)),
    # Without the round to compare with (?med=) there is nothing to show.
    "surveys:compare": ("survey", allow(**dict.fromkeys((*SURVEY_READERS, "outsider"), MISSING))),
    "surveys:moderate": ("survey", allow("admin", "coordinator", outsider=MISSING)),
    "surveys:code": (None, everyone(OK)),
    "surveys:answer_code": ("slip", everyone(OK)),
    "surveys:answer_link": ("survey_link", everyone(OK)),
    "surveys:kiosk": ("kiosk", everyone(OK)),
    "outcomes:index": (None, allow("admin", "coordinator", "evaluator", "manager", "outsider")),
    "outcomes:analysis": (None, allow("admin", "coordinator", "evaluator", "manager", "outsider")),
    "outcomes:import": (None, allow("admin", "coordinator", "outsider")),
    "outcomes:template": (None, allow("admin", "coordinator", "outsider")),
    "outcomes:entry": (None, allow("admin", "coordinator", "outsider")),
    # The demo's example file exists only where the demo runs (DEBUG).
    "outcomes:demo_file": (
        None,
        allow(**dict.fromkeys(("admin", "coordinator", "outsider"), MISSING)),
    ),
}


def walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def all_url_names():
    return sorted({name for name, _ in walk(get_resolver().url_patterns)})


def test_every_url_has_a_row():
    missing = [n for n in all_url_names() if not n.startswith("admin:") and n not in MATRIX]
    assert missing == [], f"Add these to MATRIX: {missing}"


def _recruitment(world):
    """A call of the world's network with one applicant in training, made once per test."""
    if not hasattr(world, "recruitment"):
        world.recruitment = make_recruitment(world)
    return world.recruitment


RECRUITMENT_ARGUMENTS = {
    "call": lambda w: _recruitment(w).call.code,
    "token": lambda w: _recruitment(w).token,
    "application": lambda w: _recruitment(w).application.code,
    "cohort": lambda w: _recruitment(w).cohort.code,
    "enrolment": lambda w: _recruitment(w).enrolment.code,
    "session": lambda w: _recruitment(w).session.code,
    "certification": lambda w: _recruitment(w).certification.code,
    "position": lambda w: _placement(w).position.code,
    "event": lambda w: _placement(w).event.code,
    "employment": lambda w: _placement(w).employment.code,
    "entry": lambda w: _workday(w).entry.code,
    "item": lambda w: _workday(w).item.code,
    "feed": lambda w: _workday(w).token,
    "supervision_session": lambda w: _supervision(w).session.code,
    "action": lambda w: _supervision(w).action.pk,
    "meeting": lambda w: _supervision(w).meeting.code,
    "forum": lambda w: _forum(w).forum.public_code,
    "forum_meeting": lambda w: _forum(w).closed_meeting.code,
    "suggestion": lambda w: _forum(w).suggestion.code,
    "instrument": lambda w: shipped("staff-recovery").pk,
    "survey": lambda w: _survey(w).round.code,
    "survey_unit": lambda w: [_survey(w).round.code, w.unit_a1.code],
    "survey_link": lambda w: [_survey(w).round.link_code, w.unit_a1.code],
    "slip": lambda w: _survey(w).slip_code,
    "kiosk": lambda w: _survey(w).kiosk_code,
}


def _survey(world):
    if not hasattr(world, "survey"):
        world.survey = make_survey(world)
    return world.survey


def _forum(world):
    if not hasattr(world, "forum"):
        world.forum = make_forum(world, _workday(world))
    return world.forum


def _supervision(world):
    if not hasattr(world, "supervision"):
        world.supervision = make_supervision(world, _workday(world))
    return world.supervision


def _workday(world):
    if not hasattr(world, "workday"):
        world.workday = make_workday(world)
    return world.workday


def _placement(world):
    if not hasattr(world, "placement"):
        world.placement = make_placement(world, _recruitment(world))
    return world.placement


def url_for(name, argument, world):
    if argument is None:
        return reverse(name)
    if argument == "workday":  # no URL argument, but the peer needs a person and a job
        _workday(world)
        return reverse(name)
    if argument in RECRUITMENT_ARGUMENTS:
        value = RECRUITMENT_ARGUMENTS[argument](world)
        return reverse(name, args=value if isinstance(value, list) else [value])
    if argument == "reset":
        # Not a persona: logging in changes last_login, which invalidates the token.
        user = UserFactory(email="reset@test.se")
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return reverse(name, args=[uid, default_token_generator.make_token(user)])
    return reverse(name, args=[getattr(world, argument).code])


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(name, world, login):
    argument, expected = MATRIX[name]
    url = url_for(name, argument, world)
    for persona in PERSONAS:
        client = login(world.users.get(persona))
        status = client.get(url).status_code
        assert status == expected[persona], f"{persona} GET {url}: {status}"


ADMIN_ARGS = {"app_label": "orgs", "object_id": "1", "content_type_id": "1"}


def admin_urls():
    for name, pattern in walk(get_resolver().url_patterns):
        if not name.startswith("admin:"):
            continue
        groups = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
        groups += re.findall(r"\(\?P<(\w+)>", str(pattern.pattern))
        try:
            yield name, reverse(name, kwargs={g: ADMIN_ARGS.get(g, "1") for g in groups})
        except Exception:  # noqa: BLE001 - a pattern we cannot fill is reported below
            yield name, None


def test_the_admin_is_for_the_platform_administrator_only(world, login):
    """Only `is_superuser` opens the admin: staff status alone does not."""
    staff = UserFactory(email="staff@test.se", is_staff=True)
    visitors = {
        "anonymous": None,
        "coordinator": world.users["coordinator"],
        "network": world.users["network"],
        "staff": staff,
    }
    checked = 0
    for name, url in admin_urls():
        assert url is not None, f"cannot build a URL for {name}"
        status = login(world.users["admin"]).get(url).status_code
        # Some admin pages refuse even the admin (adding axes records, autocomplete
        # without parameters); what matters is that none of them fails.
        assert status in {OK, REDIRECT, FORBIDDEN, MISSING, NOT_ALLOWED}, (name, status)
        for persona, user in visitors.items():
            status = login(user).get(url).status_code
            if name == "admin:login":
                assert status == OK  # it says "logged in, but not authorised"
            else:
                assert status == REDIRECT, f"{persona} reached {name}: {status}"
        checked += 1
    assert checked > 20
    assert login(world.users["admin"]).get(reverse("admin:index")).status_code == OK
