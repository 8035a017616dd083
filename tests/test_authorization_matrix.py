"""Every URL pattern × every persona of both tenants × GET and POST.

MATRIX says, for tenant A's objects, which persona of tenant A gets 200, 302, 403, 404
or 405 on GET. A URL pattern without a row fails `test_every_url_has_a_row`: adding a
page means deciding who may see it. From it follow, without more rows:

- tenant B's personas on tenant A's objects: 404 where their counterpart in tenant A is
  allowed (another tenant's object does not exist for them), otherwise what their
  counterpart gets; on tenant-neutral pages (lists, forms, their own pages) what their
  counterpart gets;
- every object URL built from tenant B's objects: the mirror image (tenant A's personas
  get what tenant B's counterpart gets on tenant A's objects).

POST: every `<form method="post">` a permitted persona sees is sent, as its browser would
send it, by every persona. A persona refused on GET gets the same refusal (or 405) and the
database does not change; a permitted persona never gets a server error, a refusal
(4xx) leaves the database unchanged, and a body built from one tenant's page changes
nothing when the other tenant's personas send it. Rate limits are off in this module
(`RATELIMIT_ENABLE = False`): they would answer 429 after the first few posts.

Audit: a page (HTML or JSON) that shows any person's name, e-mail address or phone number
other than the viewer's own leaves exactly one audit row of a read action
(`action(..., read=True)`); a page that shows none leaves no read row.

The whole world (both tenants, every capability) is built once for the module; every
test runs in a savepoint of it and is rolled back. The world, the URL of every page, the
form parser and the table digests live in `tests/harvest.py`, shared with
`tests/test_guard_over_http.py`.
"""

import os
import re
import shutil
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from peerstod.accounts.models import User
from peerstod.accounts.roles import Role
from peerstod.core import audit
from peerstod.core.models import AuditEvent
from peerstod.people.models import Person
from tests import harvest
from tests.conftest import ALL_PERSONAS, PERSONAS, counterpart, tenant_of
from tests.factories import UserFactory
from tests.harvest import (
    PEER_A_NAME,
    Snapshot,
    _recruitment,
    _text_of,
    post_forms,
    snapshot,
    url_for,
    user_of,
)

# The module's fixtures: the whole world, built once, and each test's savepoint of it.
matrix_world = harvest.matrix_world
mworld = harvest.mworld

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
    "home:start": (None, {**everyone(REDIRECT), "anonymous": OK}),
    "home:dashboard": (None, allow(*ALL)),
    "home:audit": (None, allow("admin", "network", "coordinator", "outsider")),
    "core:healthz": (None, everyone(OK)),
    "core:readyz": (None, everyone(OK)),
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
    # Login through the organisation's identity provider: public protocol endpoints.
    # The SITHS button starts a SAML login (signed-in users are sent on instead);
    # without xmlsec1 no SAML provider is usable and the start answers 404.
    "identity:start": ("idp", everyone(REDIRECT if shutil.which("xmlsec1") else MISSING)),
    "identity:logout": (None, everyone(NOT_ALLOWED)),  # POST only
    "identity:saml_acs": (None, everyone(NOT_ALLOWED)),  # the provider POSTs here
    "identity:saml_metadata": (None, everyone(OK)),
    "identity:saml_ls": (None, everyone(400)),  # no logout request or response
    "identity:saml_ls_post": (None, everyone(400)),
    "identity:oidc_callback": (None, everyone(400)),  # no state
    # The second factor: every persona here has shown one (a strong session), so the code
    # page sends them on; enrolling is open to every account without an app (none of the
    # personas has one), and new recovery codes need an app first.
    "accounts:second_factor": (None, everyone(REDIRECT)),
    "accounts:second_factor_enrol": (None, allow(*ALL)),
    "accounts:recovery_codes": (None, everyone(REDIRECT)),
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
    "recruitment:certificate": ("certification", allow("admin", "network", "trainer")),
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
    "work:feed_link": (None, allow(others=FORBIDDEN, admin=FORBIDDEN, peer=REDIRECT)),
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
    "supervision:meeting_new": (None, allow("admin", "network")),
    "supervision:meeting": ("meeting", allow("network", admin=MISSING)),
    "home:notifications": (None, allow(*ALL)),
    # Forum: the unit's peer supporter runs it, its managers answer; the public pages and
    # the suggestion box need no login, only the forum's opaque code.
    "forum:index": (None, allow("admin", "peer", "manager", "coordinator", "outsider")),
    "forum:detail": ("forum", allow("admin", "peer", "manager", "coordinator", outsider=MISSING)),
    "forum:meeting": (
        "forum_meeting",
        allow("admin", "peer", "manager", "coordinator", outsider=MISSING),
    ),
    "forum:answer": ("suggestion", everyone(NOT_ALLOWED)),  # POST only
    "forum:public_index": (None, everyone(OK)),
    # A background job is its owner's alone.
    "jobs:detail": ("job", allow("coordinator", others=MISSING)),
    "jobs:download": ("job", allow("coordinator", others=MISSING)),
    "jobs:delete_file": ("job", everyone(NOT_ALLOWED)),  # POST only
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


# POST-only URLs: the page that holds their forms, and who may send them (OK: permitted,
# whatever the outcome).
POST_ONLY = {
    "recruitment:enrolment_action": ("recruitment:cohort", allow("admin", "network")),
    "surveys:slips": ("surveys:round", allow("admin", "coordinator", outsider=MISSING)),
    "forum:answer": ("forum:detail", allow("admin", "manager")),
    "supervision:action_done": (
        "supervision:check_ins",
        allow("admin", "manager", "coordinator", outsider=MISSING),
    ),
    "accounts:logout": ("home:dashboard", allow(*ALL)),
    # Only the job's owner deletes its file; to everyone else the job does not exist.
    "jobs:delete_file": ("jobs:detail", allow("coordinator", others=MISSING)),
}
# URLs whose POST is permitted to others than their GET (which only redirects).
POST_ROWS = {
    # GET sends the peer supporter back to the schedule; POST renews their calendar link.
    "work:feed_link": allow("peer", admin=FORBIDDEN),
    # Reached by the logout button's POST after a login through an identity provider;
    # anyone may log themselves out (without such a login it is a plain logout).
    "identity:logout": everyone(OK),
    # The provider's signed answer is POSTed here; an empty POST is a bad request.
    "identity:saml_acs": everyone(400),
}
# URL arguments that are not an object of one tenant: lists, forms, the persona's own
# pages, the shipped instruments, a password-reset link.
NEUTRAL = {None, "reset", "instrument", "workday"}
# Pages where a permitted persona acts on their own account or anonymously: the same body
# sent by a persona of the other tenant may change something (their own password, their
# own calendar link, an application of their own).
OWN_OR_PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "identity:logout",
    "accounts:profile",
    "accounts:password_change",
    "accounts:password_reset",
    "accounts:password_reset_confirm",
    "accounts:second_factor",
    "accounts:second_factor_enrol",
    "accounts:recovery_codes",
    "set_language",
    "work:feed_link",
    "home:notifications",
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


# Expected statuses for every persona of both tenants -----------------------------------


def row_for(name: str, tenant: str, rows=None) -> dict[str, int]:
    """The expected status of every persona on `name` built from `tenant`'s objects."""
    argument, row = (rows or MATRIX)[name]
    row = dict(row)
    public = row["anonymous"] == OK
    for persona in ALL_PERSONAS:
        if persona in row:
            continue
        mine = row[counterpart(persona)]
        if argument in NEUTRAL or public or mine != OK:
            row[persona] = mine
        else:
            row[persona] = MISSING  # another tenant's object does not exist for them
    if tenant == "a":
        return row
    return {persona: row[counterpart(persona)] for persona in ALL_PERSONAS}


@dataclass(frozen=True)
class Variant:
    url: str
    tenant: str
    row: dict


def variants(name: str, world, rows=None) -> list[Variant]:
    """The URL of `name` for tenant A's objects and, for an object URL, tenant B's."""
    argument = (rows or MATRIX)[name][0]
    tenants = ["a"] if argument in NEUTRAL else ["a", "b"]
    return [Variant(url_for(name, argument, world, t), t, row_for(name, t, rows)) for t in tenants]


# Audit of personal-data reads ----------------------------------------------------------


def personal_markers(world) -> dict[str, tuple[str, set[int]]]:
    """Every person's name, address and number → (whose, the users they belong to)."""
    markers: dict[str, tuple[str, set[int]]] = {}
    for person in Person.objects.all():
        owners = {person.user_id} if person.user_id else set()
        for value in (person.full_name, person.email, getattr(person, "phone", "")):
            if value and len(value) > 4:
                markers[value] = (f"person {person.full_name}", owners)
    peers = User.objects.filter(memberships__role=Role.PEER_SUPPORTER).distinct()
    for user in peers:
        for value in (user.full_name, user.email):
            if value and len(value) > 4:
                whose, owners = markers.get(value, (f"peer supporter {user.email}", set()))
                markers[value] = (whose, owners | {user.pk})
    return markers


def _last_audit_id() -> int:
    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _own_markers(name, world, url) -> set[str]:
    """The applicant's own page shows their own application: not a read by someone else."""
    if name != "recruitment:status":
        return set()
    for tenant in ("a", "b"):
        if url == url_for(name, "token", world, tenant):
            person = _recruitment(world, tenant).application.person
            return {person.full_name, person.email, person.phone}
    return set()


def audit_problems(name, url, persona, world, response, since, markers) -> list[str]:
    text = _text_of(response)
    if text is None:
        return []
    viewer = user_of(world, persona)
    viewer_id = viewer.pk if viewer else None
    own = _own_markers(name, world, url)
    shown = sorted(
        f"{whose}: {marker!r}"
        for marker, (whose, owners) in markers.items()
        if marker in text and viewer_id not in owners and marker not in own
    )
    rows = list(AuditEvent.objects.filter(id__gt=since).values_list("action", flat=True))
    read_rows = [code for code in rows if (audit.known(code) and audit.known(code).read)]
    undeclared = [code for code in rows if audit.known(code) is None]
    note = f" (undeclared actions written: {undeclared})" if undeclared else ""
    if shown and len(read_rows) != 1:
        return [
            f"{persona} GET {url}: shows {shown[0]}"
            + (f" and {len(shown) - 1} more" if len(shown) > 1 else "")
            + f", but wrote {len(read_rows)} read rows {read_rows}{note}"
        ]
    # A page may read personal data the markers do not cover (staff names, a list that
    # is empty in this world): one read row then, never more than one per page.
    if len(read_rows) > 1:
        return [f"{persona} GET {url}: wrote {len(read_rows)} read rows {read_rows}, not one"]
    return []


def test_the_audit_check_reports_a_person_shown_unaudited_and_two_read_rows_for_one_page(
    mworld,
):
    from django.http import HttpResponse

    from peerstod.accounts import actions

    markers = personal_markers(mworld)
    coordinator, peer = mworld.users["coordinator"], mworld.users["peer"]
    since = _last_audit_id()
    shown = HttpResponse("<p>Karin Kvist</p>")
    (problem,) = audit_problems("x", "/x/", "coordinator", mworld, shown, since, markers)
    assert "Karin Kvist" in problem and "0 read rows" in problem
    own = HttpResponse(f"<p>{PEER_A_NAME}, peer@test.se, Marianne</p>")
    assert audit_problems("x", "/x/", "peer", mworld, own, since, markers) == []
    audit.read(actor=coordinator, action=actions.MEMBERS_VIEWED, obj=mworld.region_a)
    assert audit_problems("x", "/x/", "coordinator", mworld, shown, since, markers) == []
    nobody = HttpResponse("<p>Avdelning A1</p>")
    assert audit_problems("x", "/x/", "coordinator", mworld, nobody, since, markers) == []
    audit.read(actor=coordinator, action=actions.MEMBERS_VIEWED, obj=mworld.region_b)
    (problem,) = audit_problems("x", "/x/", "coordinator", mworld, nobody, since, markers)
    assert "wrote 2 read rows" in problem
    assert peer.pk in markers["peer@test.se"][1]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(name, mworld, login):
    """GET as every persona of both tenants: the expected status, and a page that shows a
    person leaves exactly one read row (none if it shows nobody)."""
    markers = personal_markers(mworld)
    statuses, audits = [], []
    for variant in variants(name, mworld):
        for persona in ALL_PERSONAS:
            client = login(user_of(mworld, persona))
            since = _last_audit_id()
            response = client.get(variant.url)
            status = response.status_code
            if status != variant.row[persona]:
                statuses.append(
                    f"{persona} GET {variant.url}: {status}, expected {variant.row[persona]}"
                )
            if status == OK:
                audits += audit_problems(
                    name, variant.url, persona, mworld, response, since, markers
                )
    message = []
    if statuses:
        message += ["Statuses:", *statuses]
    if audits:
        message += ["Audit of personal-data reads:", *audits]
    assert not message, "\n".join(message)


# POST: every form, sent by every persona ------------------------------------------------


@dataclass(frozen=True)
class Body:
    """One POST a browser would send: where, what, and whose page it came from."""

    url: str  # the form's action, absolute path with query
    target: Variant  # the URL variant it posts to, with its expected statuses
    data: tuple[tuple[str, str], ...]
    harvester: str

    def as_dict(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, value in self.data:
            found.setdefault(key, []).append(value)
        return found


def _view_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _post_rows(name):
    """A POST-only URL's expectations (or a POST's that differ from GET), in MATRIX's
    shape."""
    if name in POST_ONLY:
        return {name: (MATRIX[name][0], POST_ONLY[name][1])}
    if name in POST_ROWS:
        return {name: (MATRIX[name][0], POST_ROWS[name])}
    return None


HARVEST_ORDER = [p for p in ALL_PERSONAS if p not in ("admin", "anonymous")] + [
    "admin",
    "anonymous",
]


def harvest(name, world, login) -> list[Body]:
    """The bodies of every form that posts to `name`, from the page that holds them, as
    seen by every persona allowed to see that page; one per form (and submit button) and
    tenant of the persona who saw it."""
    source = POST_ONLY[name][0] if name in POST_ONLY else name
    neutral_source = MATRIX[source][0] in NEUTRAL
    known = {urlsplit(v.url).path: v.tenant for v in variants(name, world, _post_rows(name))}
    bodies: dict[tuple, Body] = {}
    for page in variants(source, world):
        for persona in HARVEST_ORDER:
            if page.row[persona] != OK:
                continue
            response = login(user_of(world, persona)).get(page.url)
            if response.status_code != OK or _text_of(response) is None:
                continue
            for form in post_forms(response.content.decode()):
                action = urljoin(page.url, form.action or page.url)
                if _view_name(action) != name:
                    continue
                # Whose object the form acts on: a known one's, the page's, or on a list
                # the viewer's own (the admin's, on a list, is not known: left out).
                tenant = known.get(urlsplit(action).path) or (
                    tenant_of(persona) if neutral_source else page.tenant
                )
                if tenant is None:
                    continue
                target_row = row_for(name, tenant, _post_rows(name))
                buttons = [b for b in form.buttons if b[0]] or [("", "")]
                for button in buttons[:4]:
                    data = tuple(form.fields) + ((button,) if button[0] else ())
                    key = (action, tuple(sorted({k for k, _ in data})), button, tenant_of(persona))
                    target = Variant(action, tenant, target_row)
                    bodies.setdefault(key, Body(action, target, data, persona))
    return list(bodies.values())


def test_the_snapshot_sees_a_changed_row_and_a_new_one_and_nothing_untouched(mworld):
    state = Snapshot()
    with connection.execute_wrapper(state.watch):
        unit = mworld.unit_a1
        unit.place = "Falkenberg"
        unit.save()
        Person.objects.create(network=mworld.network, full_name="Ny Person")
        AuditEvent.objects.create(action="x", actor_label="x")  # bookkeeping: not seen
    assert state.changes() == ["orgs.Unit", "people.Person"]
    with connection.execute_wrapper(state.watch):
        mworld.unit_a1.save()  # the same values again
    assert state.changes() == []
    assert state.digests == snapshot()


ANSWERS = {200, 302, 400, 403, 404, 405, 429}


def _send(client, body: Body):
    """POST the body; a server error becomes status 500 with its exception."""
    try:
        with transaction.atomic():
            response = client.post(body.url, body.as_dict())
        return response.status_code, ""
    except Exception as error:  # noqa: BLE001 - reported as the 500 it would be
        return 500, f" ({type(error).__name__}: {str(error)[:160]})"


def _log(line: str) -> None:
    """What every POST answered, for the record: `MATRIX_POST_LOG=path` appends it there."""
    path = os.environ.get("MATRIX_POST_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def _crosses(body: Body, persona: str, name: str) -> bool:
    """Does `persona` send a body made from the other tenant's page (where that matters)?"""
    if name in OWN_OR_PUBLIC or MATRIX[name][0] == "workday":
        return False  # the persona acts on their own account, person or week
    if body.target.row["anonymous"] == OK:
        return False
    mine, theirs = tenant_of(persona), tenant_of(body.harvester)
    return mine is not None and theirs is not None and mine != theirs


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_form_posted_by_every_persona_is_refused_or_handled_and_refusals_change_nothing(
    name, mworld, login
):
    """Denied personas get their GET answer (or 405) and change nothing; permitted ones
    never get a server error; no refusal and no cross-tenant body changes anything."""
    bodies = harvest(name, mworld, login)
    if name in POST_ONLY:
        assert bodies, f"no form posts to {name} on {POST_ONLY[name][0]}"
    for variant in variants(name, mworld, _post_rows(name)):
        if not any(body.target.tenant == variant.tenant for body in bodies):
            bodies.append(Body(variant.url, variant, (), "nobody"))  # a page without a form
    problems = []
    denied, allowed = [], []
    for body in bodies:
        for persona in ALL_PERSONAS:
            expected = body.target.row[persona]
            (allowed if expected == OK else denied).append((body, persona))
    # Refusals first (they change nothing), then other-tenant bodies, then the permitted.
    allowed.sort(key=lambda pair: (not _crosses(pair[0], pair[1], name), pair[1] == "admin"))
    state = Snapshot()
    for body, persona in denied + allowed:
        client = login(user_of(mworld, persona))
        with connection.execute_wrapper(state.watch):
            status, error = _send(client, body)
        difference = state.changes()
        expected = body.target.row[persona]
        where = f"{persona} POST {body.url} (form seen by {body.harvester})"
        _log(f"{where}: {status}{error}{' changed ' if difference else ''}{', '.join(difference)}")
        if expected != OK:
            if status not in (expected, NOT_ALLOWED):
                problems.append(f"{where}: {status}{error}, expected {expected} as on GET")
            if difference:
                problems.append(f"{where}: refused ({status}) but changed {difference}")
        else:
            if status not in ANSWERS:
                problems.append(f"{where}: {status}{error}")
            elif difference and status >= 400:
                problems.append(f"{where}: answered {status} but changed {difference}")
            elif difference and _crosses(body, persona, name):
                problems.append(
                    f"{where}: a body from the other tenant's page changed {difference}"
                )
    assert not problems, "\n".join(problems)


# Hostile query strings: dates that overflow, negative and huge pages, characters that
# are digits to Python but not to int(), markup and formulas, unknown formats.
HOSTILE_QUERIES = [
    "vecka=9999-12-31&till=0001-01&fran=9999-99&dag=0000-00-00",
    "sida=-1&ar=%C2%B2&enhet=%3Cscript%3E&steg=%27%22",
    "sida=99999999999999999999&ar=99999&med=x&format=exe",
    "units=nonexistent&indicator=%3D1%2B1&harmonics=-5&comparison=%40x",
]
PROBE_PERSONAS = ("anonymous", "admin", "network", "coordinator", "manager", "peer", "evaluator")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_url_answers_500_to_hostile_query_strings(name, mworld, login):
    argument, _row = MATRIX[name]
    url = url_for(name, argument, mworld)
    failures = []
    for persona in PROBE_PERSONAS:
        client = login(user_of(mworld, persona))
        for query in HOSTILE_QUERIES:
            status = client.get(f"{url}?{query}").status_code
            if status >= 500:
                failures.append(f"{persona} GET {url}?{query}: {status}")
    assert failures == [], "\n".join(failures)


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


def test_the_admin_is_for_the_platform_administrator_only(mworld, login):
    """Only `is_superuser` opens the admin: staff status alone does not."""
    world = mworld
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


# The second factor ----------------------------------------------------------------------

SECOND_FACTOR_PAGES = {
    "accounts:second_factor",
    "accounts:second_factor_enrol",
    "accounts:recovery_codes",
}


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_a_session_without_its_second_factor_reaches_only_what_anonymous_visitors_reach(
    mworld, persona
):
    """A password login of a role that sees personal data, second factor not yet shown: a
    page that sends anonymous visitors to log in sends it to enrol instead, and a page
    anonymous visitors may use (marked `login_not_required`) answers it as usual. The
    second-factor pages themselves are tested in tests/test_second_factor.py."""
    login_page, enrol_page = reverse("accounts:login"), reverse("accounts:second_factor_enrol")
    problems = []
    for name in sorted(set(MATRIX) - SECOND_FACTOR_PAGES):
        url = url_for(name, MATRIX[name][0], mworld)
        method = "get"
        answer = Client().get(url)
        if answer.status_code == NOT_ALLOWED:
            method = "post"
            answer = Client().post(url)
        protected = answer.status_code == REDIRECT and urlsplit(answer["Location"]).path == (
            login_page
        )
        weak = Client()
        weak.force_login(user_of(mworld, persona))
        got = getattr(weak, method)(url)
        sent = got.status_code == REDIRECT and urlsplit(got["Location"]).path == enrol_page
        if sent != protected:
            problems.append(
                f"{method.upper()} {name}: anonymous {answer.status_code}, weak "
                f"{got.status_code} {got.get('Location', '')}"
            )
    assert problems == []
