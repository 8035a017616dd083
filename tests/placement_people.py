"""People to place, made directly in the database (no recruitment services): a person
certified by the world's network, optionally with a login and a certified application,
and the scopes and placements the placement tests need."""

from datetime import date, timedelta

from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.people.models import Certification, CertificationKind, Person
from peerstod.placement import services
from peerstod.placement.models import Employment
from peerstod.recruitment.models import Application, Call, Step


def certified_person(
    world, name="Lina Lund", email="lina@test.se", *, user=None, network=None, fte=(50, 100)
) -> Person:
    person = Person.objects.create(
        network=network or world.network,
        full_name=name,
        email=email,
        fte_min=fte[0],
        fte_max=fte[1],
        user=user,
    )
    Certification.objects.create(
        person=person, kind=CertificationKind.BASIC, certified_on=date(2026, 1, 15)
    )
    return person


def uncertified_person(world, name="Nils Ny", email="nils@test.se") -> Person:
    return Person.objects.create(network=world.network, full_name=name, email=email)


def certified_application(world, person) -> Application:
    today = timezone.localdate()
    call = Call.objects.create(
        network=world.network,
        principal=world.region_a,
        title="Bli peer supporter",
        description="Utbildning.",
        opens_on=today - timedelta(days=90),
        closes_on=today - timedelta(days=60),
        places=16,
    )
    return Application.objects.create(
        call=call,
        person=person,
        step=Step.CERTIFIED,
        motivation="Jag vill ge det stöd jag själv fick.",
        fte_min=50,
        fte_max=75,
        consent_at=timezone.now(),
        submitted_at=timezone.now() - timedelta(days=80),
    )


def coordinator_scope(world):
    return scope_for(world.users["coordinator"])


def employ(world, person, unit=None, *, fte=50, starts_on, ends_on=None, position=None):
    coordinator = world.users["coordinator"]
    return services.employment_create(
        scope=scope_for(coordinator),
        actor=coordinator,
        person=person,
        unit=unit or (position.unit if position else world.unit_a1),
        position=position,
        fte_percent=fte,
        starts_on=starts_on,
        ends_on=ends_on,
        readiness_override="Testar",
    )


def employed_count() -> int:
    return Employment.objects.count()
