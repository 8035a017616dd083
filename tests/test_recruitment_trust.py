"""Issue 13 for recruitment and training: nobody changes what is not theirs (the public
form never rewrites a person), every change is one audited use case, reads of names are
audited once per page, mail survives a mail server that is down, and bad input never
gives a 500."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.roles import Role
from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent, IdempotencyKey
from peerstod.notifications.mail import deliver
from peerstod.notifications.models import OutboxMail
from peerstod.people.models import Person
from peerstod.recruitment import services
from peerstod.recruitment.models import (
    Application,
    ApplicationNote,
    Attendance,
    Call,
    Cohort,
    Step,
    TrainingSession,
)
from tests import smtp_server
from tests.factories import MembershipFactory, NetworkFactory, UserFactory
from tests.recruitment_world import admit, basic_cohort, make_recruitment, open_call, submit
from tests.smtp_server import running_smtp_server
from tests.test_recruitment import apply_form

smtp_port = smtp_server.smtp_port  # the fixture: a free localhost port, nothing listening


def network_scope(world):
    return scope_for(world.users["network"])


def other_network_recruiter():
    """The recruitment team of a second network: another tenant."""
    network = NetworkFactory(name="Andra nätverket")
    user = UserFactory(email="other-network@test.se", full_name="Annan")
    MembershipFactory(user=user, role=Role.NETWORK_COORDINATOR, organisation=network, unit=None)
    return user


def mallory_form(call, **overrides):
    """The public form sent by someone who knows the certified peer's e-mail address."""
    return apply_form(
        call,
        full_name="Mallory Ondsint",
        phone="070-999 99 99",
        fte_min="100",
        fte_max="100",
        **overrides,
    )


def second_call(world):
    return open_call(world, title="Andra utlysningen")


# Nobody can rewrite a person from the public form ---------------------------------------


def test_an_anonymous_application_with_a_certified_peers_email_leaves_the_person_unchanged(
    client, world
):
    recruitment = make_recruitment(world)
    person = recruitment.application.person
    before = (person.full_name, person.phone, person.fte_min, person.fte_max)
    call = second_call(world)
    response = client.post(reverse("recruitment:apply", args=[call.code]), mallory_form(call))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.phone, person.fte_min, person.fte_max) == before
    assert Person.objects.count() == 1
    application = Application.objects.get(call=call)
    assert application.person == person
    assert (application.full_name, application.phone) == ("Mallory Ondsint", "070-999 99 99")
    assert (application.fte_min, application.fte_max) == (100, 100)


def test_the_certificate_still_shows_the_certified_name_after_a_public_application(client, world):
    recruitment = make_recruitment(world)
    call = second_call(world)
    client.post(reverse("recruitment:apply", args=[call.code]), mallory_form(call))
    certification = type(recruitment.certification).objects.select_related("person").get()
    html = render_to_string(
        "recruitment/certificate.html",
        {"certification": certification, "cohort": certification.cohort},
    )
    assert "Lina Lund" in html
    assert "Mallory" not in html


def test_a_new_applicant_becomes_a_person_with_what_they_wrote(client, world):
    call = open_call(world)
    client.post(reverse("recruitment:apply", args=[call.code]), apply_form(call))
    person = Person.objects.get()
    assert (person.full_name, person.phone, person.fte_min, person.fte_max) == (
        "Lina Lund",
        "070-123 45 67",
        50,
        75,
    )
    assert Application.objects.get().full_name == "Lina Lund"


def test_the_application_page_shows_the_differences_side_by_side(client, world, login):
    make_recruitment(world)
    call = second_call(world)
    client.post(reverse("recruitment:apply", args=[call.code]), mallory_form(call))
    application = Application.objects.get(call=call)
    login(world.users["network"])
    page = client.get(reverse("recruitment:application", args=[application.code])).content
    page = page.decode()
    assert "Uppdatera personuppgifterna från ansökan" in page
    assert "Lina Lund" in page and "Mallory Ondsint" in page
    assert "070-999 99 99" in page and "100–100 %" in page


def test_an_application_that_matches_the_person_offers_no_update(client, world, login):
    application, _token = submit(open_call(world))
    login(world.users["network"])
    page = client.get(reverse("recruitment:application", args=[application.code])).content
    assert "Uppdatera personuppgifterna från ansökan" not in page.decode()


def test_the_recruiter_applies_the_application_details_to_the_person_with_an_audit_row(
    client, world, login
):
    recruitment = make_recruitment(world)
    call = second_call(world)
    client.post(reverse("recruitment:apply", args=[call.code]), mallory_form(call))
    application = Application.objects.get(call=call)
    login(world.users["network"])
    url = reverse("recruitment:application", args=[application.code])
    response = client.post(url, {"action": "contact_apply"})
    assert response.status_code == 302
    person = recruitment.application.person
    person.refresh_from_db()
    assert (person.full_name, person.phone, person.fte_min, person.fte_max) == (
        "Mallory Ondsint",
        "070-999 99 99",
        100,
        100,
    )
    row = AuditEvent.objects.get(action="recruitment.person.updated_from_application")
    assert row.actor == world.users["network"]
    assert row.object_ref == person.code
    assert row.detail["application"] == application.code
    assert sorted(row.detail["fields"]) == ["fte", "full_name", "phone"]
    assert "Mallory" not in str(row.detail)  # the audit log names fields, not values
    page = client.get(url).content.decode()
    assert "Uppdatera personuppgifterna från ansökan" not in page


def test_another_networks_recruiter_gets_404_and_the_person_is_unchanged(client, world, login):
    make_recruitment(world)
    call = second_call(world)
    client.post(reverse("recruitment:apply", args=[call.code]), mallory_form(call))
    application = Application.objects.get(call=call)
    login(other_network_recruiter())
    url = reverse("recruitment:application", args=[application.code])
    assert client.post(url, {"action": "contact_apply"}).status_code == 404
    assert Person.objects.get().full_name == "Lina Lund"
    assert not AuditEvent.objects.filter(
        action="recruitment.person.updated_from_application"
    ).exists()


def test_only_the_recruitment_team_may_apply_the_details(world):
    make_recruitment(world)
    application, _token = submit(second_call(world), full_name="Mallory Ondsint")
    for user in [world.users["coordinator"], world.users["trainer"], other_network_recruiter()]:
        with pytest.raises(PermissionDenied):
            services.application_contact_apply(
                scope=scope_for(user), actor=user, application=application
            )
    assert Person.objects.get().full_name == "Lina Lund"


def test_applying_details_that_already_match_is_refused_and_writes_nothing(world):
    application, _token = submit(open_call(world))
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.application_contact_apply(
            scope=network_scope(world), actor=world.users["network"], application=application
        )
    assert AuditEvent.objects.count() == before


def test_withdrawing_removes_the_name_and_phone_written_on_the_application(world):
    recruitment = make_recruitment(world)
    application, token = submit(second_call(world), full_name="Lina L", phone="070-111 11 11")
    services.application_withdraw(token=token)
    application.refresh_from_db()
    assert (application.full_name, application.phone, application.person) == ("", "", None)
    assert Person.objects.get().full_name == "Lina Lund"  # the certified peer stays
    assert recruitment.certification.person.full_name == "Lina Lund"


# The receipt goes through the outbox ----------------------------------------------------


def test_with_the_mail_server_down_the_application_is_saved_and_the_receipt_arrives_later(
    client, world, settings, smtp_port, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port
    settings.EMAIL_TIMEOUT = 5
    call = open_call(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recruitment:apply", args=[call.code]), apply_form(call))
    assert response.status_code == 302
    assert Application.objects.filter(call=call).count() == 1
    waiting = OutboxMail.objects.get()
    assert waiting.to == "lina@test.se"
    assert waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error
    status_link = next(w for w in waiting.body.split() if "/ansokan/" in w)
    assert status_link not in client.get(response["Location"]).content.decode()
    with running_smtp_server(smtp_port) as server:
        counts = deliver(now=timezone.now() + timedelta(hours=1))
    assert counts["sent"] == 1
    assert len(server.messages) == 1
    received = server.messages[0]
    assert received["X-Envelope-To"] == "lina@test.se"
    assert status_link in received.get_content()
    waiting.refresh_from_db()
    assert waiting.sent_at is not None


def test_a_retry_after_the_mail_server_was_down_is_not_told_already_sent(
    client, world, settings, smtp_port, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    call = open_call(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("recruitment:apply", args=[call.code]), apply_form(call))
    assert first.status_code == 302  # not a 500 that would make the applicant retry
    follow = client.get(first["Location"])
    assert follow.status_code == 200 and "Tack — vi har skickat" in follow.content.decode()


def test_the_receipt_is_queued_with_the_application_and_sent_after_commit(
    client, world, django_capture_on_commit_callbacks
):
    call = open_call(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("recruitment:apply", args=[call.code]), apply_form(call))
    assert callbacks  # the sending waits for the commit
    assert OutboxMail.objects.get().sent_at is not None
    assert len(mail.outbox) == 1


# Rate limit on the public form ----------------------------------------------------------


def test_the_fourth_application_in_an_hour_from_one_address_is_refused_with_429(
    client, world, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "3/h"}
    call = open_call(world)
    url = reverse("recruitment:apply", args=[call.code])
    for n in range(3):
        form = apply_form(call, email=f"a{n}@test.se")
        assert client.post(url, form, REMOTE_ADDR="203.0.113.5").status_code == 302
    refused = client.post(url, apply_form(call, email="a4@test.se"), REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert Application.objects.count() == 3
    assert not Person.objects.filter(email="a4@test.se").exists()
    other = client.post(url, apply_form(call, email="b@test.se"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302
    assert Application.objects.count() == 4


def test_reading_the_form_is_not_rate_limited(client, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "1/h"}
    call = open_call(world)
    url = reverse("recruitment:apply", args=[call.code])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]


# Reads of names are audited once per page -----------------------------------------------


def read_rows_of(client, url):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.get(url)
    assert response.status_code == 200
    return list(AuditEvent.objects.exclude(pk__in=before))


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("call", "recruitment.call.viewed"),
        ("application", "recruitment.application.viewed"),
        ("cohort", "recruitment.cohort.viewed"),
        ("attendance", "recruitment.session.viewed"),
        ("certificate", "people.certificate.viewed"),
        ("application_export", "recruitment.applicant.exported"),
    ],
)
def test_each_page_with_names_writes_exactly_one_read_row(client, world, login, page, action):
    recruitment = make_recruitment(world)
    code = {
        "call": recruitment.call.code,
        "application": recruitment.application.code,
        "application_export": recruitment.application.code,
        "cohort": recruitment.cohort.code,
        "attendance": recruitment.session.code,
        "certificate": recruitment.certification.code,
    }[page]
    user = world.users["network"]
    login(user)
    rows = read_rows_of(client, reverse(f"recruitment:{page}", args=[code]))
    assert [(row.action, row.actor) for row in rows] == [(action, user)]
    assert rows[0].organisation == world.network


def test_the_cohort_form_listing_the_trainers_by_name_writes_one_read_row(client, world, login):
    login(world.users["network"])
    rows = read_rows_of(client, reverse("recruitment:cohort_create"))
    assert [(r.action, r.organisation) for r in rows] == [
        ("recruitment.trainers.viewed", world.network)
    ]


def test_the_trainer_reading_a_training_day_is_audited_too(client, world, login):
    recruitment = make_recruitment(world)
    login(world.users["trainer"])
    url = reverse("recruitment:attendance", args=[recruitment.session.code])
    rows = read_rows_of(client, url)
    assert [(r.action, r.actor) for r in rows] == [
        ("recruitment.session.viewed", world.users["trainer"])
    ]


def test_pages_of_counts_only_write_no_read_row(client, world, login):
    make_recruitment(world)
    login(world.users["network"])
    for name in ["calls", "cohorts", "funnel"]:
        assert read_rows_of(client, reverse(f"recruitment:{name}")) == []


def test_a_refused_page_writes_no_read_row(client, world, login):
    recruitment = make_recruitment(world)
    login(other_network_recruiter())
    before = AuditEvent.objects.count()
    url = reverse("recruitment:cohort", args=[recruitment.cohort.code])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.count() == before


# Every change is an audited use case ----------------------------------------------------


WRITING_SERVICES = [
    "call_create",
    "application_submit",
    "application_contact_apply",
    "application_advance",
    "application_note_add",
    "application_withdraw",
    "purge",
    "cohort_create",
    "session_add",
    "attendance_mark",
    "enrolment_complete",
    "enrolment_discontinue",
    "enrolment_certify",
    "application_mark_employed",
]


@pytest.mark.parametrize("name", WRITING_SERVICES)
def test_every_writing_service_is_a_use_case(name):
    assert getattr(getattr(services, name), "is_use_case", False)


def test_adding_a_training_day_writes_an_audit_row(world):
    cohort = basic_cohort(world, days=0)
    session = services.session_add(
        scope=network_scope(world),
        actor=world.users["network"],
        cohort=cohort,
        day=cohort.starts_on,
    )
    row = AuditEvent.objects.get(action="recruitment.session.added")
    assert row.object_ref == session.code and row.actor == world.users["network"]


def test_marking_attendance_writes_an_audit_row_each_time(world):
    cohort = basic_cohort(world, days=1)
    application, _token = submit(open_call(world))
    admit(world, application, cohort)
    trainer = world.users["trainer"]
    for present in (True, False):
        services.attendance_mark(
            scope=scope_for(trainer),
            actor=trainer,
            session=cohort.sessions.get(),
            enrolment=application.enrolment,
            present=present,
        )
    rows = AuditEvent.objects.filter(action="recruitment.attendance.marked").order_by("pk")
    assert [r.detail["present"] for r in rows] == [True, False]
    assert Attendance.objects.get().present is False


def test_recording_employment_writes_an_audit_row(world):
    recruitment = make_recruitment(world)
    services.application_mark_employed(
        application=recruitment.application, at=timezone.now(), actor=world.users["network"]
    )
    recruitment.application.refresh_from_db()
    assert recruitment.application.step == Step.EMPLOYED
    assert AuditEvent.objects.filter(
        action="recruitment.application.employed", object_ref=recruitment.application.code
    ).exists()


def test_an_interview_in_the_year_9999_is_refused_with_a_message(world):
    application, _token = submit(open_call(world))
    scope, user = network_scope(world), world.users["network"]
    services.application_advance(
        scope=scope, actor=user, application=application, step=Step.SCREENED
    )
    far = timezone.make_aware(datetime(9999, 12, 30, 10, 0))
    with pytest.raises(ValidationError) as raised:
        services.application_advance(
            scope=scope,
            actor=user,
            application=application,
            step=Step.INTERVIEW_BOOKED,
            interview_at=far,
        )
    assert "interview_at" in raised.value.error_dict
    application.refresh_from_db()
    assert application.step == Step.SCREENED and application.interview_at is None


def test_a_call_opening_in_year_one_is_refused_and_nothing_is_saved(client, world, login):
    login(world.users["network"])
    response = client.post(
        reverse("recruitment:call_create"),
        {
            "principal": world.region_a.code,
            "title": "Bli peer supporter",
            "description": "Utbildning.",
            "opens_on": "0001-01-01",
            "closes_on": "2030-01-01",
            "places": "10",
            "retention_months": "24",
        },
    )
    assert response.status_code == 200
    assert "Ange ett datum mellan 1990 och 2100" in response.content.decode()
    assert not Call.objects.exists()


# Once only -------------------------------------------------------------------------------


def test_the_same_note_form_sent_twice_saves_one_note(client, world, login):
    application, _token = submit(open_call(world))
    login(world.users["network"])
    url = reverse("recruitment:application", args=[application.code])
    data = {"text": "Stark motivering, boka intervju.", "once": "note-key-1"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert ApplicationNote.objects.count() == 1
    assert AuditEvent.objects.filter(action="recruitment.application.note_added").count() == 1
    assert AuditEvent.objects.filter(action="recruitment.repeat.ignored").count() == 1


def test_the_note_form_carries_a_one_time_key(client, world, login):
    application, _token = submit(open_call(world))
    login(world.users["network"])
    page = client.get(reverse("recruitment:application", args=[application.code])).content
    assert b'name="once"' in page


def test_the_same_training_day_form_sent_twice_adds_one_day(client, world, login):
    cohort = basic_cohort(world, days=0)
    login(world.users["network"])
    url = reverse("recruitment:cohort", args=[cohort.code])
    data = {"day": cohort.starts_on.isoformat(), "topic": "Återhämtning", "once": "day-key-1"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert TrainingSession.objects.filter(cohort=cohort).count() == 1
    assert AuditEvent.objects.filter(action="recruitment.session.added").count() == 1
    assert IdempotencyKey.objects.filter(purpose="recruitment.session").count() == 1


def test_the_same_cohort_form_sent_twice_creates_one_cohort(client, world, login):
    login(world.users["network"])
    start = date.today()
    data = {
        "kind": "basic",
        "name": "Grundutbildning höst",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=30)).isoformat(),
        "min_attendance_percent": "80",
        "once": "cohort-key-1",
    }
    first = client.post(reverse("recruitment:cohort_create"), data)
    second = client.post(reverse("recruitment:cohort_create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Cohort.objects.count() == 1


# Bad input: 400 or 404, never 500 --------------------------------------------------------


def test_a_nul_byte_in_the_public_application_path_answers_400(client, world):
    assert client.get("/ansok/%00/").status_code == 400


def test_a_nul_byte_in_a_note_answers_400_and_saves_nothing(client, world, login):
    application, _token = submit(open_call(world))
    login(world.users["network"])
    url = reverse("recruitment:application", args=[application.code])
    assert client.post(url, {"text": "Bra\x00motivering"}).status_code == 400
    assert not ApplicationNote.objects.exists()


def test_another_networks_codes_answer_404_and_change_nothing(client, world, login):
    recruitment = make_recruitment(world)
    login(other_network_recruiter())
    posts = [
        ("recruitment:application", recruitment.application.code, {"text": "Hej"}),
        ("recruitment:cohort", recruitment.cohort.code, {"day": date.today().isoformat()}),
        ("recruitment:enrolment_action", recruitment.enrolment.code, {"action": "certify"}),
        ("recruitment:attendance", recruitment.session.code, {"participant": "x"}),
    ]
    before = AuditEvent.objects.count()
    for name, code, data in posts:
        assert client.post(reverse(name, args=[code]), data).status_code == 404, name
    certificate = reverse("recruitment:certificate", args=[recruitment.certification.code])
    assert client.get(certificate).status_code == 404
    assert AuditEvent.objects.count() == before
    assert not ApplicationNote.objects.exists()
    assert TrainingSession.objects.filter(cohort=recruitment.cohort).count() == 10


def test_an_unknown_participant_on_a_training_day_is_404(client, world, login):
    recruitment = make_recruitment(world)
    login(world.users["trainer"])
    url = reverse("recruitment:attendance", args=[recruitment.session.code])
    response = client.post(url, {"participant": "does-not-exist", "present": "yes"})
    assert response.status_code == 404


# The migration keeps what the applications showed --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_contact_fields_migration_copies_each_persons_name_and_phone():
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "recruitment"]
    before = [*others, ("recruitment", "0001_calls_applications_cohorts")]
    after = [*others, ("recruitment", "0002_application_contact_fields")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    network = old.get_model("orgs", "Organisation").objects.create(
        name="Nätverket", kind="network", code="net-migr"
    )
    person = old.get_model("people", "Person").objects.create(
        network=network, full_name="Lina Lund", email="lina@test.se", phone="070-123 45 67"
    )
    call = old.get_model("recruitment", "Call").objects.create(
        network=network,
        principal=network,
        title="Utlysning",
        description="Text",
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 2, 1),
        places=5,
    )
    stamp = timezone.now()
    common = dict(call=call, motivation="M", fte_min=50, fte_max=75, consent_at=stamp)
    application = old.get_model("recruitment", "Application").objects.create(
        person=person, submitted_at=stamp, code="app-migr-1", **common
    )
    old.get_model("recruitment", "Application").objects.create(
        person=None, submitted_at=stamp, code="app-migr-2", **common
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("recruitment", "Application")
    copied = new.objects.get(pk=application.pk)
    assert (copied.full_name, copied.phone) == ("Lina Lund", "070-123 45 67")
    assert new.objects.get(code="app-migr-2").full_name == ""


@pytest.mark.parametrize("year", ["²", "9" * 5000, "-1", "2026-01"])
def test_a_strange_year_on_the_funnel_is_ignored_not_a_500(client, world, login, year):
    make_recruitment(world)
    login(world.users["network"])
    response = client.get(reverse("recruitment:funnel"), {"ar": year})
    assert response.status_code == 200
    assert "Bli peer supporter" in response.content.decode()
