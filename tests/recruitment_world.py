"""A recruitment in the test world: a call of the world's network for region A, one
applicant taken from application to certification, through the services.

Every builder takes `tenant="b"` to build the same for tenant B: a call of Nätverket B
for region B, with its own applicant (`APPLICANT_B`), cohort and trainer."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.recruitment import services
from peerstod.recruitment.models import Application, Call, Cohort, Enrolment, Step

PATH = [Step.SCREENED, Step.INTERVIEW_BOOKED, Step.INTERVIEWED, Step.ADMITTED]
# Tenant B's applicant: other name, address and number than tenant A's Lina Lund.
APPLICANT_B = dict(full_name="Berit Bengtsson", email="berit@test.se", phone="070-765 43 21")


@dataclass
class Recruitment:
    call: Call
    token: str
    application: Application
    cohort: Cohort
    enrolment: Enrolment
    session: object
    certification: object


def open_call(world, tenant="a", **overrides) -> Call:
    today = timezone.localdate()
    side = world.tenant(tenant)
    fields = dict(
        principal=side.region,
        title="Bli peer supporter",
        description="Utbildning.",
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=30),
        places=16,
    )
    fields.update(overrides)
    network_user = side.users["network"]
    return services.call_create(
        scope=scope_for(network_user), actor=network_user, network=side.network, **fields
    )


def submit(call, email="lina@test.se", **overrides):
    fields = dict(
        call=call,
        full_name="Lina Lund",
        email=email,
        phone="070-123 45 67",
        motivation="Jag vill ge det stöd jag själv fick.",
        lived_experience="Depression.",
        availability="Vardagar",
        fte_min=50,
        fte_max=75,
        consent=True,
    )
    fields.update(overrides)
    return services.application_submit(**fields)


def basic_cohort(world, days=10, tenant="a", **overrides) -> Cohort:
    side = world.tenant(tenant)
    network_user = side.users["network"]
    scope = scope_for(network_user)
    start = timezone.localdate() - timedelta(days=days)
    fields = dict(
        kind="basic",
        name="Grundutbildning",
        starts_on=start,
        ends_on=start + timedelta(days=days + 30),
        min_attendance_percent=80,
    )
    fields.update(overrides)
    cohort = services.cohort_create(
        scope=scope,
        actor=network_user,
        network=side.network,
        trainers=[side.users["trainer"]],
        **fields,
    )
    for i in range(days):
        services.session_add(
            scope=scope, actor=network_user, cohort=cohort, day=start + timedelta(days=i)
        )
    return cohort


def admit(world, application, cohort=None, tenant="a") -> Application:
    network_user = world.tenant(tenant).users["network"]
    scope = scope_for(network_user)
    for step in PATH:
        services.application_advance(
            scope=scope,
            actor=network_user,
            application=application,
            step=step,
            interview_at=timezone.now() if step == Step.INTERVIEW_BOOKED else None,
        )
    if cohort is not None:
        services.application_advance(
            scope=scope,
            actor=network_user,
            application=application,
            step=Step.ENROLLED,
            cohort=cohort,
        )
    return application


def attend(world, enrolment, present_days: int, tenant="a") -> None:
    trainer = world.tenant(tenant).users["trainer"]
    for index, session in enumerate(enrolment.cohort.sessions.order_by("day")):
        services.attendance_mark(
            scope=scope_for(trainer),
            actor=trainer,
            session=session,
            enrolment=enrolment,
            present=index < present_days,
        )


def make_recruitment(world, tenant="a") -> Recruitment:
    call = open_call(world, tenant)
    application, token = submit(call, **(APPLICANT_B if tenant == "b" else {}))
    cohort = basic_cohort(world, tenant=tenant)
    admit(world, application, cohort, tenant)
    enrolment = application.enrolment
    attend(world, enrolment, 9, tenant)
    network_user = world.tenant(tenant).users["network"]
    scope = scope_for(network_user)
    services.enrolment_complete(
        scope=scope, actor=network_user, enrolment=enrolment, on=date.today()
    )
    certification = services.enrolment_certify(
        scope=scope, actor=network_user, enrolment=enrolment, on=date.today()
    )
    return Recruitment(
        call, token, application, cohort, enrolment, cohort.sessions.first(), certification
    )
