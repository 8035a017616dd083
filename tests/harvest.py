"""What the authorisation matrix and the guard-over-HTTP tests share: the whole world
(both tenants with every capability's objects, built once per module), the URL of every
page for either tenant, the forms a page holds and what a browser would send from them,
and a digest of every project table to tell whether a request changed anything.

A test module that wants the world names the fixtures in its namespace:
`matrix_world = harvest.matrix_world` and `mworld = harvest.mworld`.
"""

import functools
import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from peerstod.accounts.models import User
from peerstod.identity.models import IdentityProvider, Protocol
from tests.conftest import build_world
from tests.factories import UserFactory
from tests.forum_world import make_forum
from tests.idp.saml_idp import HSA_ATTRIBUTE, SamlIdP
from tests.placement_world import make_placement
from tests.recruitment_world import admit, make_recruitment, submit
from tests.supervision_world import make_supervision
from tests.survey_world import make_survey, shipped
from tests.work_world import make_workday

# The world: both tenants with every capability ------------------------------------------


def _recruitment(world, tenant="a"):
    return _made(world, "recruitment", tenant, lambda: make_recruitment(world, tenant=tenant))


def _placement(world, tenant="a"):
    return _made(
        world,
        "placement",
        tenant,
        lambda: make_placement(world, _recruitment(world, tenant), tenant=tenant),
    )


def _workday(world, tenant="a"):
    return _made(world, "workday", tenant, lambda: make_workday(world, tenant=tenant))


def _supervision(world, tenant="a"):
    return _made(
        world,
        "supervision",
        tenant,
        lambda: make_supervision(world, _workday(world, tenant), tenant=tenant),
    )


def _forum(world, tenant="a"):
    return _made(
        world, "forum", tenant, lambda: make_forum(world, _workday(world, tenant), tenant=tenant)
    )


def _survey(world, tenant="a"):
    return _made(world, "survey", tenant, lambda: make_survey(world, tenant=tenant))


def _job(world, tenant="a"):
    """A finished background job of the tenant's programme coordinator, with its file."""

    def build():
        from peerstod.jobs.models import Job, Status

        side = world.tenant(tenant)
        return Job.objects.create(
            kind="tests.matrix",
            title=f"Rapport {tenant}",
            owner=side.users["coordinator"],
            organisation=side.region,
            status=Status.DONE,
            percent=100,
            filename="rapport.txt",
            content_type="text/plain",
            output=b"rapport",
        )

    return _made(world, "job", tenant, build)


def _made(world, what, tenant, build):
    """Each capability's objects, made once per world and tenant (`world.recruitment` is
    tenant A's, `world.recruitment_b` tenant B's)."""
    attribute = what if tenant == "a" else f"{what}_b"
    if not hasattr(world, attribute):
        setattr(world, attribute, build())
    return getattr(world, attribute)


ARGUMENTS = {
    "call": lambda w, t: _recruitment(w, t).call.code,
    "token": lambda w, t: _recruitment(w, t).token,
    "application": lambda w, t: _recruitment(w, t).application.code,
    "cohort": lambda w, t: _recruitment(w, t).cohort.code,
    "enrolment": lambda w, t: _recruitment(w, t).enrolment.code,
    "session": lambda w, t: _recruitment(w, t).session.code,
    "certification": lambda w, t: _recruitment(w, t).certification.code,
    "position": lambda w, t: _placement(w, t).position.code,
    "event": lambda w, t: _placement(w, t).event.code,
    "employment": lambda w, t: _placement(w, t).employment.code,
    "entry": lambda w, t: _workday(w, t).entry.code,
    "item": lambda w, t: _workday(w, t).item.code,
    "feed": lambda w, t: _workday(w, t).token,
    "supervision_session": lambda w, t: _supervision(w, t).session.code,
    "action": lambda w, t: _supervision(w, t).action.pk,
    "meeting": lambda w, t: _supervision(w, t).meeting.code,
    "forum": lambda w, t: _forum(w, t).forum.public_code,
    "forum_meeting": lambda w, t: _forum(w, t).closed_meeting.code,
    "suggestion": lambda w, t: _forum(w, t).suggestion.code,
    "instrument": lambda w, t: shipped("staff-recovery").pk,
    "survey": lambda w, t: _survey(w, t).round.code,
    "survey_unit": lambda w, t: [_survey(w, t).round.code, w.tenant(t).unit1.code],
    "survey_link": lambda w, t: [_survey(w, t).round.link_code, w.tenant(t).unit1.code],
    "slip": lambda w, t: _survey(w, t).slip_code,
    "kiosk": lambda w, t: _survey(w, t).kiosk_code,
    "region_a": lambda w, t: w.tenant(t).region.code,
    "idp": lambda w, t: f"region-{t}",
    "unit_a1": lambda w, t: w.tenant(t).unit1.code,
    "job": lambda w, t: _job(w, t).code,
}
# The name of the old table, for tests that import it.
RECRUITMENT_ARGUMENTS = {name: (lambda w, f=f: f(w, "a")) for name, f in ARGUMENTS.items()}


def url_for(name, argument, world, tenant="a"):
    if argument is None:
        return reverse(name)
    if argument == "workday":  # no URL argument, but the peer needs a person and a job
        _workday(world, tenant)
        return reverse(name)
    if argument in ARGUMENTS:
        value = ARGUMENTS[argument](world, tenant)
        return reverse(name, args=value if isinstance(value, list) else [value])
    if argument == "reset":
        # Not a persona: logging in changes last_login, which invalidates the token.
        user = getattr(world, "reset_user", None) or UserFactory(email="reset@test.se")
        world.reset_user = user
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return reverse(name, args=[uid, default_token_generator.make_token(user)])
    return reverse(name, args=[getattr(world, argument).code])


# A distinctive name for tenant A's peer supporter: "Peer" is also in "Peerstöd" on every
# page, so it could not tell whether a page shows the person.
PEER_A_NAME = "Pia Peersson"
TRAINEE = {
    "a": dict(full_name="Karin Kvist", email="karin@test.se", phone="070-111 22 33"),
    "b": dict(full_name="Bo Bäckström", email="bo@test.se", phone="070-444 55 66"),
}


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """Both tenants with every capability's objects, built once for this module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world().tenant_b()
            User.objects.filter(pk=world.users["peer"].pk).update(full_name=PEER_A_NAME)
            world.users["peer"].full_name = PEER_A_NAME
            for tenant in ("a", "b"):
                for build in (_placement, _supervision, _forum, _survey, _job):
                    build(world, tenant)
                # A second trainee still in training, whose enrolment has actions left.
                recruitment = _recruitment(world, tenant)
                application, _token = submit(recruitment.call, **TRAINEE[tenant])
                admit(world, application, recruitment.cohort, tenant)
            url_for("accounts:password_reset_confirm", "reset", world)
            identity_providers(world)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def mworld(matrix_world, db, settings):
    """The module's world, in a savepoint rolled back after the test; no rate limits."""
    settings.RATELIMIT_ENABLE = False
    return matrix_world


def identity_providers(world):
    """Each region signs in through its own SAML provider (metadata only: nobody logs in)."""
    folder = Path(tempfile.mkdtemp(prefix="matrix-idp-"))
    for tenant in ("a", "b"):
        idp = SamlIdP(folder, sp_metadata="").configure(f"http://idp-{tenant}.region.invalid")
        IdentityProvider.objects.create(
            organisation=world.tenant(tenant).region,
            name=f"Region {tenant.upper()} (SITHS)",
            slug=f"region-{tenant}",
            protocol=Protocol.SAML,
            attribute=HSA_ATTRIBUTE,
            metadata_xml=idp.metadata,
            entity_id=idp.entity_id,
        )


def user_of(world, persona):
    return None if persona == "anonymous" else world.users[persona]


def _text_of(response) -> str | None:
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/html", "application/json", "text/plain")):
        return None
    if getattr(response, "streaming", False):
        return None
    return response.content.decode(errors="replace")


@dataclass(frozen=True)
class Control:
    """One named control of a form as the page renders it: `tag` is input, textarea or
    select; `attrs` its attributes (type, id, inputmode, autocomplete, …)."""

    name: str
    tag: str
    attrs: tuple[tuple[str, str], ...]
    options: tuple[str, ...] = ()  # a select's option values, in order

    def attr(self, key: str, default: str = "") -> str:
        return dict(self.attrs).get(key, default)


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)


class FormParser(HTMLParser):
    """The `<form method="post">` elements of a page and what a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            return
        if self._form is None:
            return
        name = a.get("name")
        if name and tag in ("input", "textarea") and "disabled" not in a:
            self._form.controls.append(Control(name, tag, tuple(sorted(a.items()))))
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form.buttons.append((name or "", a.get("value", "")))
            elif "disabled" in a or not name or kind in ("button", "reset", "file"):
                return
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            else:
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form.buttons.append((name or "", a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = {"name": name, "multiple": "multiple" in a, "options": [], "attrs": a}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]] or options[:1]
            if not self._select["multiple"]:
                chosen = chosen[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self._form.fields.append((self._select["name"], value.strip()))
            values = tuple(
                (o["value"] if o["value"] is not None else o["text"]).strip() for o in options
            )
            attrs = tuple(sorted(self._select["attrs"].items()))
            self._form.controls.append(Control(self._select["name"], "select", attrs, values))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def post_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.method == "post"]


SKIP_TABLES = {"core.AuditEvent", "notifications.OutboxMail", "core.IdempotencyKey"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


@functools.cache
def _tables() -> dict[str, tuple[str, type, list[str]]]:
    """db table → (label, model, columns) of every project table but the audit's, the
    outbox's and the once-keys' (the framework's own bookkeeping)."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.app_config.name.startswith("peerstod.") or model._meta.proxy:
            continue
        label = model._meta.label
        if label in SKIP_TABLES:
            continue
        # The last login changes with every login of the test; it is not the POST's doing.
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if (label, f.attname) != ("accounts.User", "last_login")
        ]
        found[model._meta.db_table] = (label, model, names)
    return found


def _digest(table: str) -> str:
    _label, model, names = _tables()[table]
    rows = model._base_manager.order_by("pk").values_list(*names)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def snapshot() -> dict[str, str]:
    """A digest of all rows of every project table."""
    return {table: _digest(table) for table in _tables()}


class Snapshot:
    """The digests of every project table, kept current: after a request only the tables
    an INSERT, UPDATE or DELETE touched are read again (the others cannot have changed),
    so a POST costs one query per table it wrote, not one per table."""

    def __init__(self):
        self.digests = snapshot()
        self.touched: set[str] = set()

    def watch(self, execute, sql, params, many, context):
        found = _WRITE.match(sql)
        if found and found.group(1) in self.digests:
            self.touched.add(found.group(1))
        return execute(sql, params, many, context)

    def changes(self) -> list[str]:
        """The project tables whose rows differ from the last look, then look again."""
        differ = []
        for table in sorted(self.touched):
            digest = _digest(table)
            if digest != self.digests[table]:
                differ.append(_tables()[table][0])
                self.digests[table] = digest
        self.touched.clear()
        return differ
