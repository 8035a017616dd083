"""A fictional data set at national or regional scale, for load benchmarks (issue #19).

`peerstod synth --scale national` makes 21 regions, 290 municipalities below them, 2,000
units, 1,000 certified peer supporters with employments, 10 M activity entries with their
monthly roll-up, 1 M survey answers over 200 rounds, 120 months of indicators for every
inpatient unit and five years of forum minutes, plus login accounts for every role in a
few organisations. `--scale region` is the same shape for one region, small enough for a
test on SQLite.

What is few is made through the services (organisations, units, agreements, accounts,
memberships, peer supporters, employments, the second factor), so every rule and audit
row of those holds. What is many is inserted in bulk (COPY on PostgreSQL, batched
inserts elsewhere) with the services' rules kept by construction:

- every activity entry lies on a working day inside an employment of its person on its
  unit and not in the future; outside-the-role entries carry their line; the roll-up
  (`work.ActivityMonth`) is summed from exactly the entries written;
- survey answers are stored as the answering services leave them: sealed in shuffled
  groups of `SURVEY_MIN_GROUP` with random keys (the rest waiting), without date, time,
  code or order that could tie an answer to anyone (docs/dev/trust.md); only the counts
  per day (`AnswerDay`) know when answers came; no access codes are made (link channel);
- indicator values are first-of-month, non-negative, not in the future;
- forum minutes are general topics only, locked on the day, delivered where the unit
  has a manager.

The same seed gives the same rows (apart from random keys such as survey answers' ids
and password hashes): `digest()` checks it. Loading twice is refused in words.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import random
import time as clock
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django_otp.oath import TOTP

from peerstod.accounts import services as account_services
from peerstod.accounts.models import User
from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.core.codes import ALPHABET
from peerstod.forum.models import Delivery, Forum, Meeting, Status, Suggestion, Topic
from peerstod.orgs import services as org_services
from peerstod.orgs.models import Organisation, OrganisationKind, Unit, UnitKind
from peerstod.outcomes.models import Builtin, Indicator, IndicatorValue, PeerSupportPeriod
from peerstod.people import services as people_services
from peerstod.people.models import Certification, Person
from peerstod.placement import services as placement_services
from peerstod.placement.models import Employment
from peerstod.surveys import services as survey_services
from peerstod.surveys.models import AnswerDay, Audience, Channel, Instrument, Response, Round
from peerstod.work.categories import OUTSIDE_ROLE, WITH_PATIENTS, Category
from peerstod.work.models import ActivityEntry, ActivityMonth, Format

NETWORK = "Syntetiskt peer support-nätverk"
MARKER = "Syntet"  # every synthetic organisation's name starts with it

REGION_KINDS = [
    UnitKind.INPATIENT_PSYCHOSIS,
    UnitKind.INPATIENT_ADDICTION,
    UnitKind.GENERAL_PSYCHIATRY,
    UnitKind.SELF_HARM,
    UnitKind.FORENSIC,
]
MUNICIPAL_KINDS = [
    UnitKind.HOUSING_SUPPORT,
    UnitKind.HOUSING_FIRST,
    UnitKind.ACTIVITY_HOUSE,
    UnitKind.SCHOOL,
    UnitKind.LABOUR_MARKET,
]
INPATIENT = {
    UnitKind.INPATIENT_PSYCHOSIS,
    UnitKind.INPATIENT_ADDICTION,
    UnitKind.SELF_HARM,
    UnitKind.FORENSIC,
}
KIND_NAMES = {
    UnitKind.INPATIENT_PSYCHOSIS: "Psykosavdelning",
    UnitKind.INPATIENT_ADDICTION: "Beroendeavdelning",
    UnitKind.GENERAL_PSYCHIATRY: "Allmänpsykiatrisk mottagning",
    UnitKind.SELF_HARM: "Självskadeavdelning",
    UnitKind.FORENSIC: "Rättspsykiatrisk avdelning",
    UnitKind.HOUSING_SUPPORT: "Boendestöd",
    UnitKind.HOUSING_FIRST: "Bostad först",
    UnitKind.ACTIVITY_HOUSE: "Aktivitetshus",
    UnitKind.SCHOOL: "Elevhälsa",
    UnitKind.LABOUR_MARKET: "Arbetsmarknadsprojekt",
}

# Work the peer supporters log, with weights; the minutes and participants each takes.
CATEGORY_WEIGHTS = [
    (Category.CONVERSATION, 30),
    (Category.OPEN_HOUR, 14),
    (Category.ACTIVITY_RECOVERY, 10),
    (Category.ACTIVITY_FUN, 6),
    (Category.FORUM, 4),
    (Category.WALK, 6),
    (Category.PLANNING, 8),
    (Category.WARD_ROUND, 5),
    (Category.DISCHARGE, 4),
    (Category.DRUG_TALK, 3),
    (Category.LECTURE, 2),
    (Category.ADVISORY, 2),
    (Category.FURTHER_TRAINING, 2),
    (Category.RELATIVES, 2),
    (Category.OUT_MEDICATION, 1),
    (Category.OUT_GUARDING, 1),
]
OUTSIDE_NOTES = {
    Category.OUT_MEDICATION: "Delade ut vidbehovsmedicin när sjuksköterskan var upptagen.",
    Category.OUT_GUARDING: "Satt extravak i korridoren under eftermiddagen.",
    Category.OUT_COERCION: "Personalen bad mig sitta med vid en åtgärd.",
}
MINUTES = [15, 30, 30, 45, 60, 60, 90]
FORUM_MINUTES = [
    "Vi pratade om aktiviteterna på avdelningen och om maten. Flera vill ha fler utflykter.",
    "Samtal om dagrummet och om besökstiderna. Önskemål om mer musik på kvällarna.",
    "Vi gick igenom svaren på förra mötets förslag. Kaffet på eftermiddagen uppskattas.",
    "Om utevistelse och promenader. Förslag om en gemensam promenad varje vecka.",
]
SUGGESTIONS = [
    (Topic.ACTIVITY, "Fler utflykter på helgerna"),
    (Topic.WELL_BEING, "Kaffe även på eftermiddagen"),
    (Topic.ACTIVITY, "En gemensam promenad varje vecka"),
]


# Whatever survey-side rebuild of score aggregates exists after merge is called after
# the answers are written (issue #19: aggregates updated as answers arrive; a bulk load
# bypasses "as they arrive", so it asks for a rebuild). Looked up by these names.
@dataclass(frozen=True)
class Scale:
    name: str
    regions: int
    municipalities: int
    units: int
    peers: int
    entries: int
    answers: int
    rounds: int
    survey_units: int
    months: int = 120
    forum_years: int = 5
    login_organisations: int = 3


SCALES = {
    "national": Scale("national", 21, 290, 2000, 1000, 10_000_000, 1_000_000, 200, 290),
    "region": Scale("region", 1, 14, 100, 50, 50_000, 10_000, 10, 20, login_organisations=1),
}


def scaled(scale: Scale, fraction: float) -> Scale:
    """The scale with its bulk (entries and answers) cut to a fraction: for measuring the
    generation time on a part and extrapolating."""
    if fraction >= 1:
        return scale
    return replace(
        scale,
        entries=max(1, int(scale.entries * fraction)),
        answers=max(1, int(scale.answers * fraction)),
    )


def already_loaded() -> bool:
    return Organisation.objects.filter(name=NETWORK, parent=None).exists()


def totp_key(email: str, seed: int) -> str:
    """The second-factor key of a synthetic account (hex, as django-otp stores it): known
    from the seed and the address, so that the load benchmark can compute the codes an
    authenticator app would show."""
    return hmac.new(str(seed).encode(), email.encode(), hashlib.sha256).hexdigest()[:40]


def totp_code(key: str, *, at: float | None = None) -> str:
    totp = TOTP(bytes.fromhex(key))
    totp.time = clock.time() if at is None else at
    return f"{totp.token():06d}"


@dataclass
class Login:
    email: str
    role: str
    organisation: str
    totp_key: str


class Progress:
    def __init__(self, write: Callable[[str], Any]):
        self.write = write
        self.started = clock.monotonic()
        self.last = self.started

    def step(self, what: str) -> None:
        now = clock.monotonic()
        self.write(f"  {what:<58} {now - self.last:7.1f} s  (total {now - self.started:7.1f} s)")
        self.last = now


# --------------------------------------------------------------------------- bulk writing


def _codes(rng: random.Random, count: int, length: int = 12) -> list[str]:
    """Opaque codes from the seeded generator (12 letters, so 10 M of them collide with a
    chance of about 1 in 10,000 rather than 6 %)."""
    table = bytes(ord(ALPHABET[i % len(ALPHABET)]) for i in range(256))
    raw = rng.randbytes(count * length).translate(table).decode()
    return [raw[i : i + length] for i in range(0, count * length, length)]


class Writer:
    """Rows into one table: COPY on PostgreSQL, batched executemany elsewhere."""

    def __init__(self, model: type[Model], columns: Sequence[str], batch: int = 20_000):
        self.table = model._meta.db_table
        self.columns = list(columns)
        self.batch = batch
        self.rows: list[tuple] = []
        self.count = 0
        self.postgres = connection.vendor == "postgresql"
        self._copy = None
        self._cursor = None
        if self.postgres:
            self._cursor = connection.cursor()
            names = ", ".join(f'"{c}"' for c in self.columns)
            self._copy_cm = self._cursor.cursor.copy(f'COPY "{self.table}" ({names}) FROM STDIN')
            self._copy = self._copy_cm.__enter__()

    def add(self, row: tuple) -> None:
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
            return
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        names = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            # Table and column names come from the models; the values are parameters.
            sql = f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})'  # noqa: S608
            cursor.executemany(sql, self.rows)
        self.rows = []

    def close(self) -> int:
        if self._copy is not None:
            self._copy_cm.__exit__(None, None, None)
            self._cursor.close()
            self._copy = None
        self._flush()
        return self.count


@contextmanager
def bulk_table(model: type[Model]):
    """On PostgreSQL, load a table of millions of rows without its secondary indexes and
    its foreign-key and unique constraints, and build them again after: one sort per
    index and one pass per constraint instead of a check per row (deferred foreign-key
    checks would otherwise queue one event per row until the commit). The constraints
    are validated when they are added again, so a row that breaks one still fails the
    load. Elsewhere, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Checks still deferred from the rows written before would forbid ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _workdays(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _months_back(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, this month included."""
    month = today.replace(day=1)
    months = []
    for _n in range(count):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months[::-1]


# --------------------------------------------------------------------------- the load


def load_synth(
    *,
    scale: Scale,
    seed: int = 19,
    today: date | None = None,
    password: str | None = None,
    write: Callable[[str], Any] = print,
) -> tuple[list[Login], dict[str, int]]:
    """Make the data set; return the login accounts and the row counts. Refuses (in
    words, with ValueError) if a synthetic data set is already in the database."""
    if already_loaded():
        raise ValueError(
            "The synthetic data set is already in this database. It is made once: start "
            "from an empty database (or drop this one) to make it again."
        )
    today = today or date.today()
    password = password or settings.DEMO_PASSWORD
    rng = random.Random(seed)
    progress = Progress(write)
    with transaction.atomic():
        admin = account_services.user_create(
            email="synth.admin@example.org",
            full_name="Synt Administratör",
            password=password,
            validate=False,
        )
        account_services.platform_admin_grant(user=admin)
        network, regions, municipalities, units = _organisations(scale, rng, admin, today)
        progress.step(f"{len(regions) + len(municipalities) + 1} organisations, {len(units)} units")
        logins, coordinators, managers = _accounts(
            scale, seed, password, network, regions, units, today
        )
        progress.step(f"{len(logins)} staff login accounts")
        employments = _peers(scale, rng, network, regions, units, coordinators, logins, today)
        progress.step(f"{scale.peers} peer supporters, {len(employments)} employments")
        with bulk_table(ActivityEntry), bulk_table(ActivityMonth):
            entries, months = _activity(scale, rng, employments, today)
        progress.step(f"{entries:,} activity entries, {months:,} roll-up rows")
        answers = _surveys(scale, rng, regions, units, coordinators, today)
        progress.step(f"{answers:,} survey answers")
        with bulk_table(IndicatorValue):
            values = _indicators(rng, units, employments, scale, today)
        progress.step(f"{values:,} indicator values")
        meetings = _forums(scale, rng, employments, managers, today)
        progress.step(f"{meetings:,} forum meetings")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        progress.step("ANALYZE")
    return logins, counts()


def counts() -> dict[str, int]:
    network = Organisation.objects.filter(name=NETWORK, parent=None).first()
    synthetic_orgs = Organisation.objects.filter(name__startswith=MARKER)
    return {
        "regions": synthetic_orgs.filter(kind=OrganisationKind.REGION).count(),
        "municipalities": synthetic_orgs.filter(kind=OrganisationKind.MUNICIPALITY).count(),
        "units": Unit.objects.filter(organisation__name__startswith=MARKER).count(),
        "peer supporters": Person.objects.filter(network=network).count(),
        "certifications": Certification.objects.filter(person__network=network).count(),
        "employments": Employment.objects.filter(person__network=network).count(),
        "activity entries": ActivityEntry.objects.filter(person__network=network).count(),
        "activity months": ActivityMonth.objects.filter(person__network=network).count(),
        "survey rounds": Round.objects.filter(organisation__name__startswith=MARKER).count(),
        "survey answers": Response.objects.filter(
            round__organisation__name__startswith=MARKER
        ).count(),
        "indicator values": IndicatorValue.objects.filter(
            unit__organisation__name__startswith=MARKER
        ).count(),
        "forum meetings": Meeting.objects.filter(
            forum__unit__organisation__name__startswith=MARKER
        ).count(),
    }


def _organisations(scale: Scale, rng: random.Random, admin: User, today: date):
    network = org_services.organisation_create(
        name=NETWORK, kind=OrganisationKind.NETWORK, parent=None
    )
    regions = [
        org_services.organisation_create(
            name=f"{MARKER}region {r + 1:02d}", kind=OrganisationKind.REGION, parent=None
        )
        for r in range(scale.regions)
    ]
    municipalities = [
        org_services.organisation_create(
            name=f"{MARKER}kommun {m + 1:03d}",
            kind=OrganisationKind.MUNICIPALITY,
            parent=regions[m % scale.regions],
        )
        for m in range(scale.municipalities)
    ]
    scope = scope_for(admin, today)  # after the organisations: it knows what exists
    # Four units in ten are the regions' psychiatry, the rest the municipalities'.
    region_units = scale.units * 2 // 5
    units: list[Unit] = []
    for n in range(scale.units):
        if n < region_units:
            org = regions[n % scale.regions]
            kind = REGION_KINDS[(n // scale.regions) % len(REGION_KINDS)]
        else:
            org = municipalities[(n - region_units) % scale.municipalities]
            kind = MUNICIPAL_KINDS[((n - region_units) // scale.municipalities) % 5]
        units.append(
            org_services.unit_create(
                scope=scope,
                actor=admin,
                organisation=org,
                name=f"{KIND_NAMES[kind]} {n + 1:04d}",
                kind=kind,
                place=org.name,
                staff_count=rng.randint(8, 45),
            )
        )
    for region in regions:
        org_services.agreement_create(
            scope=scope,
            actor=admin,
            network=network,
            principal=region,
            starts_on=date(today.year - 10, 1, 1),
            ends_on=None,
        )
    return network, regions, municipalities, units


def _account(email: str, name: str, password: str | None, seed: int, *, totp: bool) -> User:
    user = account_services.user_create(
        email=email, full_name=name, password=password, validate=False
    )
    if totp:
        # Enrolled as a person would: the key and the code an app computes from it.
        key = totp_key(email, seed)
        account_services.second_factor_enrol(user=user, key=key, code=totp_code(key))
    return user


def _accounts(scale, seed, password, network, regions, units, today):
    """A programme coordinator for every region (so each region's rounds and employments
    have their author); login accounts with every role in the first few regions."""
    logins: list[Login] = []
    coordinators: dict[int, User] = {}
    managers: dict[int, User] = {}
    start = date(today.year - 10, 1, 1)

    def grant(user, role, organisation, unit=None):
        account_services.membership_grant(
            user=user, role=role, organisation=organisation, unit=unit, valid_from=start
        )

    for index, region in enumerate(regions):
        tag = f"r{index + 1:02d}"
        logs_in = index < scale.login_organisations
        email = f"synth.coordinator.{tag}@example.org"
        user = _account(
            email, f"Samordnare {tag}", password if logs_in else None, seed, totp=logs_in
        )
        grant(user, Role.PROGRAMME_COORDINATOR, region)
        coordinators[region.pk] = user
        if not logs_in:
            continue
        logins.append(Login(email, Role.PROGRAMME_COORDINATOR, region.name, totp_key(email, seed)))
        email = f"synth.evaluator.{tag}@example.org"
        # An evaluator sees no personal data: no second factor asked (accounts.strength).
        user = _account(email, f"Utvärderare {tag}", password, seed, totp=False)
        grant(user, Role.EVALUATOR, region)
        logins.append(Login(email, Role.EVALUATOR, region.name, ""))
        unit = next(u for u in units if u.organisation_id == region.pk and u.kind in INPATIENT)
        email = f"synth.manager.{tag}@example.org"
        user = _account(email, f"Avdelningschef {tag}", password, seed, totp=True)
        grant(user, Role.UNIT_MANAGER, region, unit)
        managers[unit.pk] = user
        logins.append(Login(email, Role.UNIT_MANAGER, region.name, totp_key(email, seed)))
    for role, label in [
        (Role.NETWORK_COORDINATOR, "Nätverkssamordnare"),
        (Role.SUPERVISOR, "Handledare"),
        (Role.TRAINER, "Utbildare"),
    ]:
        email = f"synth.{role.replace('_', '-')}@example.org"
        user = _account(email, label, password, seed, totp=True)
        grant(user, role, network)
        logins.append(Login(email, role, network.name, totp_key(email, seed)))
    return logins, coordinators, managers


@dataclass
class Job:
    person_id: int
    unit: Unit
    starts_on: date
    ends_on: date | None
    user_id: int | None


def _peers(scale, rng, network, regions, units, coordinators, logins, today):
    """Certified peer supporters, registered by the network coordinator, each employed
    by the coordinator of the unit's region (some twice, one after the other). The first
    person of each login region has a login and works on the manager's unit."""
    network_coordinator = User.objects.get(email="synth.network-coordinator@example.org")
    region_of = {region.pk: region for region in regions}
    root_of = {u.pk: region_of.get(u.organisation.root_id) for u in units}
    login_units = {
        region.pk: next(u for u in units if u.organisation_id == region.pk and u.kind in INPATIENT)
        for region in regions[: scale.login_organisations]
    }
    jobs: list[Job] = []
    first_day = today - timedelta(days=365 * scale.forum_years)
    scopes: dict[int, Any] = {}
    for n in range(scale.peers):
        email = f"synth.peer.{n + 1:04d}@example.org"
        region_index = n % scale.regions
        region = regions[region_index]
        user = None
        if region.pk in login_units and n < scale.regions:
            user = _account(email, f"Peer {n + 1:04d}", settings.DEMO_PASSWORD, 0, totp=False)
            unit = login_units[region.pk]
            starts_on = first_day
        else:
            candidates = [u for u in units if root_of[u.pk] is region]
            unit = rng.choice(candidates)
            starts_on = first_day + timedelta(days=rng.randrange(0, 365 * scale.forum_years - 180))
        fte = rng.choice([50, 75, 100])
        person = people_services.earlier_certified_register(
            actor=network_coordinator,
            network=network,
            full_name=f"Peer {n + 1:04d}",
            email=email,
            fte_min=fte,
            fte_max=fte,
            certified_on=starts_on - timedelta(days=rng.randrange(30, 200)),
            user=user,
        )
        coordinator = coordinators[region.pk]
        scope = scopes.get(region.pk) or scopes.setdefault(region.pk, scope_for(coordinator, today))
        ends_on = None
        second = user is None and rng.random() < 0.2 and (today - starts_on).days > 400
        if second:
            ends_on = starts_on + timedelta(days=rng.randrange(180, (today - starts_on).days - 60))
        placement_services.employment_create(
            scope=scope,
            actor=coordinator,
            person=person,
            unit=unit,
            fte_percent=fte,
            starts_on=starts_on,
            ends_on=ends_on,
            readiness_override="Syntetiska data.",
        )
        jobs.append(Job(person.pk, unit, starts_on, ends_on, getattr(user, "pk", None)))
        if user is not None:
            account_services.membership_grant(
                user=user,
                role=Role.PEER_SUPPORTER,
                organisation=unit.organisation,
                unit=unit,
                valid_from=starts_on,
            )
            logins.append(Login(user.email, Role.PEER_SUPPORTER, unit.organisation.name, ""))
        if second:
            assert ends_on is not None
            candidates = [u for u in units if root_of[u.pk] is region and u.pk != unit.pk]
            other = rng.choice(candidates)
            again = ends_on + timedelta(days=rng.randrange(1, 30))
            placement_services.employment_create(
                scope=scope,
                actor=coordinator,
                person=person,
                unit=other,
                fte_percent=fte,
                starts_on=again,
                readiness_override="Syntetiska data.",
            )
            jobs.append(Job(person.pk, other, again, None, None))
    return jobs


def _activity(scale: Scale, rng: random.Random, jobs: list[Job], today: date) -> tuple[int, int]:
    """The entries, spread over each employment's working days in proportion to its
    length, and their roll-up summed from the same rows."""
    # Each category once: its value, how its participants are drawn, its line.
    kinds = []
    for category, _weight in CATEGORY_WEIGHTS:
        if category in OUTSIDE_ROLE:
            kinds.append((category.value, 1, OUTSIDE_NOTES[category]))
        elif category in WITH_PATIENTS:
            kinds.append((category.value, "patients", ""))
        elif category in (Category.OPEN_HOUR, Category.ACTIVITY_RECOVERY, Category.WALK):
            kinds.append((category.value, "group", ""))
        else:
            kinds.append((category.value, 0, ""))
    weights = [w for _c, w in CATEGORY_WEIGHTS]
    postgres = connection.vendor == "postgresql"
    on_day: dict[date, tuple] = {}
    yesterday = today - timedelta(days=1)
    spans = [_workdays(job.starts_on, min(job.ends_on or yesterday, yesterday)) for job in jobs]
    total_days = sum(len(days) for days in spans) or 1
    writer = Writer(
        ActivityEntry,
        [
            "code",
            "person_id",
            "unit_id",
            "day",
            "category",
            "format",
            "minutes",
            "participants",
            "note",
            "created_at",
            "created_by_id",
        ],
    )
    add = writer.add
    rollup: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    written = 0
    for index, (job, days) in enumerate(zip(jobs, spans, strict=True)):
        if not days:
            continue
        if index == len(jobs) - 1:
            count = scale.entries - written
        else:
            count = round(scale.entries * len(days) / total_days)
        count = max(0, min(count, scale.entries - written))
        written += count
        codes = _codes(rng, count)
        picked_days = sorted(rng.choices(days, k=count))
        picked = rng.choices(kinds, weights=weights, k=count)
        picked_minutes = rng.choices(MINUTES, k=count)
        person, unit, user = job.person_id, job.unit.pk, job.user_id
        for code, day, kind, minutes in zip(
            codes, picked_days, picked, picked_minutes, strict=True
        ):
            value, rule, note = kind
            draw = rng.random()
            if rule == "patients":
                participants = 1 if draw < 0.6 else 2 + int((draw - 0.6) * 17.5)
            elif rule == "group":
                participants = 1 + int(draw * 8)
            else:
                participants = rule
            group = participants > 1
            known = on_day.get(day)
            if known is None:
                known = on_day[day] = _day_values(day, postgres)
            when, month, logged = known
            add(
                (
                    code,
                    person,
                    unit,
                    when,
                    value,
                    GROUP if group else INDIVIDUAL,
                    minutes,
                    participants,
                    note,
                    logged,
                    user,
                )
            )
            row = rollup[(person, unit, month, value)]
            row[0] += 1
            row[1] += group
            row[2] += minutes
            row[3] += participants
    entries = writer.close()
    months = Writer(
        ActivityMonth,
        [
            "person_id",
            "unit_id",
            "month",
            "category",
            "entries",
            "group_entries",
            "minutes",
            "participants",
        ],
    )
    for key in sorted(rollup):
        months.add((*key, *rollup[key]))
    return entries, months.close()


GROUP, INDIVIDUAL = Format.GROUP.value, Format.INDIVIDUAL.value


def _day_values(day: date, postgres: bool) -> tuple:
    """A day as written (text for COPY: PostgreSQL parses it faster than Python adapts
    it), its month, and the evening it was logged."""
    logged = _aware(day, time(16))
    if postgres:
        return day.isoformat(), day.replace(day=1), logged.isoformat()
    return day, day.replace(day=1), logged


def _staff_answer(rng: random.Random, keys: list[str], level: float) -> dict[str, int]:
    return {key: min(5, max(1, round(rng.gauss(level, 0.8)))) for key in keys}


def _surveys(scale, rng, regions, units, coordinators, today) -> int:
    """Rounds made by each region's coordinator through the services (staff and patients
    in turn, every six months backwards from last month), over the survey units of the
    region; the answers written as the answering services leave them, sealed."""
    instruments = {
        Audience.STAFF: Instrument.objects.get(organisation=None, key="staff-recovery"),
        Audience.PATIENT: Instrument.objects.get(organisation=None, key="peer-support-experience"),
    }
    keys = {
        audience: [i.key for i in instrument.definition.items_for(audience) if i.scale is not None]
        for audience, instrument in instruments.items()
    }
    region_of = {region.pk: region for region in regions}
    survey_units: dict[int, list[Unit]] = defaultdict(list)
    for unit in units[: scale.survey_units]:
        survey_units[unit.organisation.root_id].append(unit)
    per_round = scale.answers // scale.rounds
    rounds_per_region = -(-scale.rounds // scale.regions)
    group_size = settings.SURVEY_MIN_GROUP
    total = 0
    made = 0
    for number in range(1, rounds_per_region + 1):
        for region_pk, region_units in survey_units.items():
            if made >= scale.rounds:
                break
            region = region_of[region_pk]
            coordinator = coordinators[region_pk]
            audience = Audience.STAFF if number % 2 else Audience.PATIENT
            closes = today.replace(day=1) - timedelta(days=1 + 182 * (rounds_per_region - number))
            opens = closes - timedelta(days=27)
            scope = scope_for(coordinator, today)
            survey_round = survey_services.round_create(
                scope=scope,
                actor=coordinator,
                organisation=region,
                instrument=instruments[audience],
                audience=audience,
                number=(number + 1) // 2,
                title=f"{'Personalenkät' if audience == Audience.STAFF else 'Patientenkät'} "
                f"omgång {(number + 1) // 2}",
                opens_on=opens,
                closes_on=closes,
                units=region_units,
                channels=[Channel.LINK],
            )
            made += 1
            count = per_round if made < scale.rounds else scale.answers - total
            level = 3.0 + 0.1 * number
            shares = [rng.random() + 0.5 for _u in region_units]
            split = [int(count * s / sum(shares)) for s in shares]
            split[0] += count - sum(split)
            responses = []
            for unit, answers in zip(region_units, split, strict=True):
                survey_services.invited_set(
                    scope=scope,
                    actor=coordinator,
                    survey_round=survey_round,
                    unit=unit,
                    channel=Channel.LINK,
                    invited=answers + answers // 2 + 1,
                )
                rows = [
                    _staff_answer(rng, keys[audience], level + rng.uniform(-0.3, 0.3))
                    for _n in range(answers)
                ]
                # Sealed as the services seal: whole groups, shuffled, random keys; the
                # rest (fewer than a group) waits without a group.
                rng.shuffle(rows)
                for index, answer in enumerate(rows):
                    whole = index < answers - answers % group_size
                    responses.append(
                        Response(
                            id=uuid.uuid4(),
                            round=survey_round,
                            unit=unit,
                            channel=Channel.LINK,
                            language="sv",
                            answers=answer,
                            important=[],
                            group=index // group_size + 1 if whole else None,
                        )
                    )
                days = defaultdict(int)
                for _n in range(answers):
                    days[opens + timedelta(days=rng.randrange(0, 28))] += 1
                AnswerDay.objects.bulk_create(
                    AnswerDay(
                        round=survey_round, unit=unit, channel=Channel.LINK, day=day, answers=n
                    )
                    for day, n in sorted(days.items())
                )
            Response.objects.bulk_create(responses, batch_size=5000)
            total += len(responses)
            # The answers were written in bulk: the round's result tallies are counted
            # from them again, as the results pages read only the tallies.
            survey_services.tallies_rebuild(survey_round=survey_round)
    return total


def _indicators(rng, units, jobs, scale, today) -> int:
    """Every built-in indicator for every inpatient unit, 120 months back from last
    month; units with peer support have their period, and coercive measures and PRN
    doses fall somewhat from its start."""
    builtins = {i.key: i for i in Indicator.objects.filter(organisation=None)}
    months = _months_back(today, scale.months + 1)[:-1]
    started: dict[int, date] = {}
    for job in jobs:
        month = job.starts_on.replace(day=1)
        if job.unit.pk not in started or month < started[job.unit.pk]:
            started[job.unit.pk] = month
    # When the values last changed (the analysis caches per data version): the day the
    # data set is made, the same for every run of the same day, as the digest requires.
    stamp = timezone.make_aware(datetime.combine(today, time()))
    writer = Writer(IndicatorValue, ["unit_id", "month", "indicator_id", "value", "changed_at"])
    periods = []
    for unit in units:
        if unit.kind not in INPATIENT:
            continue
        beds = rng.randint(10, 30)
        start = started.get(unit.pk)
        if start is not None:
            periods.append(PeerSupportPeriod(unit=unit, starts_on=start))
        for month in months:
            effect = 0.7 if start is not None and month >= start else 1.0
            admissions = max(1, round(rng.gauss(beds * 1.2, 3)))
            bed_days = max(1, round(beds * 30 * rng.uniform(0.8, 1.0)))
            figures = {
                Builtin.BED_DAYS: bed_days,
                Builtin.ADMISSIONS: admissions,
                Builtin.DISCHARGES: max(0, admissions + rng.randint(-3, 3)),
                Builtin.READMISSIONS: max(0, round(admissions * rng.uniform(0.05, 0.2))),
                Builtin.LENGTH_OF_STAY: round(bed_days / admissions, 2),
                Builtin.RESTRAINT: max(0, round(rng.gauss(6 * effect, 2))),
                Builtin.SECLUSION: max(0, round(rng.gauss(4 * effect, 1.5))),
                Builtin.FORCED_MEDICATION: max(0, round(rng.gauss(5 * effect, 2))),
                Builtin.PRN_DOSES: max(0, round(rng.gauss(80 * effect, 12))),
            }
            for key, value in figures.items():
                writer.add((unit.pk, month, builtins[key].pk, value, stamp))
    written = writer.close()  # before any other query: COPY holds the connection
    PeerSupportPeriod.objects.bulk_create(periods)
    return written


def _forums(scale, rng, jobs, managers, today) -> int:
    """A forum on every unit with a peer supporter, meeting every other Friday while the
    unit has had one (at most five years back); the minutes locked on the day and, where
    the unit has a manager, delivered and acknowledged; a suggestion every fourth
    meeting, answered."""
    first: dict[int, Job] = {}
    for job in jobs:
        if job.unit.pk not in first or job.starts_on < first[job.unit.pk].starts_on:
            first[job.unit.pk] = job
    forums = Forum.objects.bulk_create(
        Forum(
            unit_id=unit_pk,
            public_code=code,
            weekday=4,
            starts_at=time(10, 30),
            ends_at=time(11, 15),
            place="Dagrummet",
        )
        for unit_pk, code in zip(sorted(first), _codes(rng, len(first)), strict=True)
    )
    forum_of = {f.unit_id: f for f in Forum.objects.filter(unit_id__in=list(first))}
    del forums
    earliest = today - timedelta(days=365 * scale.forum_years)
    meetings = Writer(
        Meeting,
        [
            "code",
            "forum_id",
            "held_on",
            "patients_present",
            "guests",
            "minutes",
            "locked_at",
            "locked_by_id",
        ],
    )
    held: list[tuple[int, date, int | None]] = []
    for unit_pk in sorted(first):
        job = first[unit_pk]
        day = max(job.starts_on, earliest)
        day += timedelta(days=(4 - day.weekday()) % 7)
        forum = forum_of[unit_pk]
        while day < today:
            held.append((forum.pk, day, job.user_id))
            day += timedelta(days=14)
    for code, (forum_pk, day, user_id) in zip(_codes(rng, len(held)), held, strict=True):
        meetings.add(
            (
                code,
                forum_pk,
                day,
                rng.randint(2, 12),
                '["occupational_therapist"]' if rng.random() < 0.3 else "[]",
                rng.choice(FORUM_MINUTES),
                _aware(day, time(12)),
                user_id,
            )
        )
    count = meetings.close()
    manager_forums = {forum_of[u].pk: m for u, m in managers.items() if u in forum_of}
    deliveries = []
    suggestions = []
    for meeting in (
        Meeting.objects.filter(forum_id__in=list(forum_of_pk(forum_of)))
        .only("pk", "forum_id", "held_on")
        .order_by("forum_id", "held_on")
    ):
        manager = manager_forums.get(meeting.forum_id)
        if manager is not None:
            sent = _aware(meeting.held_on, time(12))
            deliveries.append(
                Delivery(
                    meeting=meeting,
                    manager=manager,
                    sent_at=sent,
                    read_at=sent + timedelta(days=1),
                    acknowledged_at=sent + timedelta(days=2),
                )
            )
        if rng.random() < 0.25:
            topic, text = rng.choice(SUGGESTIONS)
            answered = meeting.held_on + timedelta(days=7)
            done = rng.random() < 0.5
            suggestions.append(
                Suggestion(
                    forum_id=meeting.forum_id,
                    meeting=meeting,
                    topic=topic,
                    text=text,
                    status=Status.DONE if done else Status.ACCEPTED,
                    answer="Vi tar upp det på nästa arbetsplatsträff.",
                    created_on=meeting.held_on,
                    answered_on=answered,
                    done_on=answered + timedelta(days=14) if done else None,
                )
            )
    Delivery.objects.bulk_create(deliveries, batch_size=5000)
    Suggestion.objects.bulk_create(suggestions, batch_size=5000)
    return count


def forum_of_pk(forum_of: dict[int, Forum]) -> Iterable[int]:
    return (forum.pk for forum in forum_of.values())


# --------------------------------------------------------------------------- the digest


def digest() -> str:
    """A digest of the key rows, without random keys: the same seed (and day) gives the
    same digest."""
    hasher = hashlib.sha256()

    def feed(rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            hasher.update(repr(tuple(row)).encode())

    mark = {"name__startswith": MARKER}
    feed(Organisation.objects.filter(**mark).order_by("name").values_list("name", "kind"))
    feed(
        Unit.objects.filter(organisation__name__startswith=MARKER)
        .order_by("name")
        .values_list("name", "kind", "organisation__name", "staff_count")
    )
    feed(
        Person.objects.filter(network__name=NETWORK)
        .order_by("email")
        .values_list("email", "fte_min", "certifications__certified_on")
    )
    feed(
        ActivityEntry.objects.filter(person__network__name=NETWORK)
        .order_by("code")
        .values_list(
            "code", "person__email", "unit__name", "day", "category", "minutes", "participants"
        )
    )
    feed(
        ActivityMonth.objects.filter(person__network__name=NETWORK)
        .order_by("person__email", "unit__name", "month", "category")
        .values_list("person__email", "unit__name", "month", "category", "entries", "minutes")
    )
    rounds = Round.objects.filter(organisation__name__startswith=MARKER)
    feed(rounds.order_by("organisation__name", "title").values_list("title", "opens_on"))
    # Answers have random keys and no order: compared as a sorted multiset per round.
    answers = sorted(
        (organisation, title, unit, repr(sorted(given.items())))
        for organisation, title, unit, given in Response.objects.filter(
            round__in=rounds
        ).values_list("round__organisation__name", "round__title", "unit__name", "answers")
    )
    feed(answers)
    feed(
        AnswerDay.objects.filter(round__in=rounds)
        .order_by("round__title", "unit__name", "day")
        .values_list("round__title", "unit__name", "day", "answers")
    )
    feed(
        IndicatorValue.objects.filter(unit__organisation__name__startswith=MARKER)
        .order_by("unit__name", "month", "indicator__key")
        .values_list("unit__name", "month", "indicator__key", "value")
    )
    feed(
        Meeting.objects.filter(forum__unit__organisation__name__startswith=MARKER)
        .order_by("code")
        .values_list("code", "forum__unit__name", "held_on", "patients_present", "minutes")
    )
    return hasher.hexdigest()


def table(counts_: dict[str, int]) -> str:
    out = io.StringIO()
    for name, value in counts_.items():
        out.write(f"  {name:<20} {value:>12,}\n")
    return out.getvalue()
