"""Background jobs: started by a service with its audit row, queued when the request
commits, run once by the real database worker, seen and downloaded by the owner only."""

import io
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from peerstod.core.models import AuditEvent
from peerstod.jobs import registry, services
from peerstod.jobs.models import Job, Status
from peerstod.notifications.mail import deliver
from peerstod.notifications.models import Notification, OutboxMail
from tests import smtp_server
from tests.jobs_worker import run_queued_jobs
from tests.smtp_server import running_smtp_server

smtp_port = smtp_server.smtp_port  # the fixture: a free localhost port, nothing listening

CALLS = []


@registry.job("tests.echo")
def echo(progress, *, text: str, owner_id: int):
    progress(50, "Halvvägs")
    CALLS.append(text)
    if text == "problem":
        raise registry.JobProblem("Filen saknar kolumnen vårddygn.")
    if text == "crash":
        raise RuntimeError("secret internals")
    return registry.Output("eko.txt", "text/plain", text.encode())


@registry.job("tests.slips", keep_hours=24)
def short_lived(progress, *, text: str, owner_id: int):
    return registry.Output("lappar.txt", "text/plain", text.encode())


def start(user, text, capture, kind="tests.echo"):
    with capture(execute=True):
        return services.job_start(actor=user, kind=kind, title="Eko", params={"text": text})


work = run_queued_jobs


def test_a_job_is_queued_on_commit_run_once_by_the_worker_and_its_file_downloaded(
    client, login, world, django_capture_on_commit_callbacks
):
    CALLS.clear()
    coordinator = world.users["coordinator"]
    job = start(coordinator, "hej", django_capture_on_commit_callbacks)
    assert Job.objects.get(pk=job.pk).status == Status.QUEUED
    assert AuditEvent.objects.filter(action="jobs.job.started", object_ref=job.code).exists()
    work()
    work()
    job.refresh_from_db()
    assert (job.status, job.percent, bytes(job.output), CALLS) == (
        Status.DONE,
        100,
        b"hej",
        ["hej"],
    )
    login(coordinator)
    page = client.get(reverse("jobs:detail", args=[job.code]))
    assert "Klart" in page.content.decode() and "Refresh" not in page
    download = client.get(reverse("jobs:download", args=[job.code]))
    assert download.content == b"hej"
    assert 'filename="eko.txt"' in download["Content-Disposition"]


def test_a_waiting_job_page_refreshes_itself_and_shows_progress(
    client, login, world, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    job = start(coordinator, "vänta", django_capture_on_commit_callbacks)
    login(coordinator)
    page = client.get(reverse("jobs:detail", args=[job.code]))
    assert page["Refresh"] == "2"
    assert "<progress" in page.content.decode()
    assert client.get(reverse("jobs:download", args=[job.code])).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "outsider", "admin"])
def test_another_user_cannot_see_or_download_a_job(
    client, login, world, django_capture_on_commit_callbacks, persona
):
    job = start(world.users["coordinator"], "hemligt", django_capture_on_commit_callbacks)
    work()
    login(world.users[persona])
    assert client.get(reverse("jobs:detail", args=[job.code])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.code])).status_code == 404


@pytest.mark.parametrize(
    ("text", "shown"),
    [("problem", "Filen saknar kolumnen vårddygn."), ("crash", "Något gick fel")],
)
def test_a_failed_job_says_why_in_words_and_never_shows_internals(
    client, login, world, django_capture_on_commit_callbacks, text, shown
):
    coordinator = world.users["coordinator"]
    job = start(coordinator, text, django_capture_on_commit_callbacks)
    work()
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.output is None
    login(coordinator)
    html = client.get(reverse("jobs:detail", args=[job.code])).content.decode()
    assert shown in html and "secret internals" not in html


def test_an_unknown_kind_is_refused_before_anything_is_saved(world):
    with pytest.raises(KeyError):
        services.job_start(actor=world.users["coordinator"], kind="nope", title="x", params={})
    assert not Job.objects.exists()


# ---------------------------------------------------------------- production behaviour


def test_a_job_running_past_the_limit_is_shown_failed_to_try_again_without_refreshing(
    client, login, world, settings, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    job = start(coordinator, "borta", django_capture_on_commit_callbacks)
    started = timezone.now() - timedelta(minutes=settings.JOBS_RUNNING_LIMIT_MINUTES + 1)
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=started)
    login(coordinator)
    page = client.get(reverse("jobs:detail", args=[job.code]))
    html = page.content.decode()
    assert "Refresh" not in page
    assert "Starta det igen" in html and "<progress" not in html


def test_a_job_running_within_the_limit_still_refreshes(
    client, login, world, settings, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    job = start(coordinator, "pågår", django_capture_on_commit_callbacks)
    started = timezone.now() - timedelta(minutes=settings.JOBS_RUNNING_LIMIT_MINUTES - 1)
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=started)
    login(coordinator)
    page = client.get(reverse("jobs:detail", args=[job.code]))
    assert page["Refresh"] == "2"
    assert 'role="status"' in page.content.decode()


def test_lost_jobs_are_marked_failed_once_with_an_audit_row(
    world, settings, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    lost = start(coordinator, "borta", django_capture_on_commit_callbacks)
    fresh = start(coordinator, "färsk", django_capture_on_commit_callbacks)
    limit = timedelta(minutes=settings.JOBS_RUNNING_LIMIT_MINUTES)
    Job.objects.filter(pk=lost.pk).update(
        status=Status.RUNNING, started_at=timezone.now() - limit - timedelta(minutes=1)
    )
    Job.objects.filter(pk=fresh.pk).update(status=Status.RUNNING, started_at=timezone.now())
    assert services.jobs_fail_lost() == 1
    assert services.jobs_fail_lost() == 0
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == (Status.FAILED, Status.RUNNING)
    assert "Starta det igen" in lost.problem
    assert AuditEvent.objects.filter(action="jobs.job.failed", object_ref=lost.code).count() == 1


def test_a_lost_job_found_again_by_a_worker_is_not_run(
    world, settings, django_capture_on_commit_callbacks
):
    CALLS.clear()
    job = start(world.users["coordinator"], "igen", django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(status=Status.FAILED)
    work()
    assert CALLS == []


def test_purge_deletes_finished_jobs_and_their_files_after_seven_days_audited_and_idempotent(
    world, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    old = start(coordinator, "gammal", django_capture_on_commit_callbacks)
    recent = start(coordinator, "ny", django_capture_on_commit_callbacks)
    waiting = start(coordinator, "väntar", django_capture_on_commit_callbacks)
    work()
    Job.objects.filter(pk=waiting.pk).update(status=Status.QUEUED)
    now = timezone.now()
    Job.objects.filter(pk=old.pk).update(finished_at=now - timedelta(days=7, minutes=1))
    Job.objects.filter(pk=recent.pk).update(finished_at=now - timedelta(days=6))
    out = io.StringIO()
    call_command("purge", stdout=out)
    assert "job_files_deleted: 1" in out.getvalue()
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert AuditEvent.objects.filter(action="jobs.job.purged").count() == 1
    again = io.StringIO()
    call_command("purge", stdout=again)
    assert "job_files_deleted: 0" in again.getvalue()
    assert AuditEvent.objects.filter(action="jobs.job.purged").count() == 1


def test_a_short_lived_kinds_file_is_purged_after_its_hours_and_others_wait_their_days(
    world, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    slips = start(coordinator, "koder", django_capture_on_commit_callbacks, kind="tests.slips")
    fresh = start(coordinator, "nya koder", django_capture_on_commit_callbacks, kind="tests.slips")
    report = start(coordinator, "rapport", django_capture_on_commit_callbacks)
    work()
    now = timezone.now()
    Job.objects.filter(pk=slips.pk).update(finished_at=now - timedelta(hours=24, minutes=1))
    Job.objects.filter(pk=fresh.pk).update(finished_at=now - timedelta(hours=23))
    Job.objects.filter(pk=report.pk).update(finished_at=now - timedelta(hours=25))
    call_command("purge", stdout=io.StringIO())
    assert set(Job.objects.values_list("pk", flat=True)) == {fresh.pk, report.pk}


def test_the_owner_deletes_the_file_now_audited_and_no_one_else_can(
    client, login, world, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    job = start(coordinator, "koder", django_capture_on_commit_callbacks, kind="tests.slips")
    work()
    url = reverse("jobs:delete_file", args=[job.code])
    login(coordinator)
    page = client.get(reverse("jobs:detail", args=[job.code])).content.decode()
    assert "24 timmar efter" in page and url in page
    for persona in ("manager", "outsider", "admin"):
        login(world.users[persona])
        assert client.post(url).status_code == 404
    assert Job.objects.get(pk=job.pk).output is not None
    login(coordinator)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Filen är raderad från Peerstöd." in response.content.decode()
    job.refresh_from_db()
    assert job.output is None and job.filename == ""
    assert (
        AuditEvent.objects.filter(action="jobs.job.file_deleted", object_ref=job.code).count() == 1
    )
    assert client.get(reverse("jobs:download", args=[job.code])).status_code == 404


def test_a_quick_job_is_announced_in_the_app_only(world, django_capture_on_commit_callbacks):
    coordinator = world.users["coordinator"]
    job = start(coordinator, "snabb", django_capture_on_commit_callbacks)
    work()
    notice = Notification.objects.get(user=coordinator, key=f"job-{job.pk}")
    assert notice.text == "Klart: Eko" and notice.url == job.get_absolute_url()
    assert not OutboxMail.objects.exists()


def test_a_job_that_took_over_a_minute_is_also_mailed_through_the_real_smtp_server(
    world, settings, smtp_port, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    coordinator = world.users["coordinator"]
    job = start(coordinator, "långsam", django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.JOBS_MAIL_AFTER_SECONDS + 5)
    )
    work()
    assert Notification.objects.filter(user=coordinator, key=f"job-{job.pk}").exists()
    with running_smtp_server(smtp_port) as server:
        counts = deliver(now=timezone.now() + timedelta(hours=1))
    assert counts["sent"] == 1
    received = server.messages[0]
    assert received["X-Envelope-To"] == coordinator.email
    assert received["Subject"] == "Klart: Eko"
    assert job.get_absolute_url() in received.get_content()


def test_the_worker_command_refuses_in_words_when_jobs_run_in_the_request(settings):
    settings.TASKS_BACKEND = "immediate"
    with pytest.raises(CommandError, match="TASKS_BACKEND is immediate"):
        call_command("worker", batch=True)


def test_the_worker_command_marks_lost_jobs_and_runs_what_is_queued(
    world, settings, django_capture_on_commit_callbacks
):
    CALLS.clear()
    coordinator = world.users["coordinator"]
    lost = start(coordinator, "borta", django_capture_on_commit_callbacks)
    Job.objects.filter(pk=lost.pk).update(
        status=Status.RUNNING, started_at=timezone.now() - timedelta(days=1)
    )
    queued = start(coordinator, "kö", django_capture_on_commit_callbacks)
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("worker", batch=True, verbosity=0)
    lost.refresh_from_db()
    queued.refresh_from_db()
    assert (lost.status, queued.status, CALLS) == (Status.FAILED, Status.DONE, ["kö"])


SLOW = []


@registry.job("tests.slow")
def slow(progress, *, n: int, owner_id: int):
    time.sleep(0.05)
    SLOW.append((n, threading.current_thread().name))


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_job_twice(world):
    """Two workers take jobs from one queue at once (SELECT … FOR UPDATE SKIP LOCKED):
    every job runs exactly once."""
    SLOW.clear()
    coordinator = world.users["coordinator"]
    jobs = [
        services.job_start(actor=coordinator, kind="tests.slow", title="x", params={"n": n})
        for n in range(24)
    ]

    def worker(name):
        try:
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=name,
                excluded_queue_names=[],
            ).run()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",), name=f"w{i}") for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(n for n, _ in SLOW) == list(range(24))
    assert {name for _, name in SLOW} == {"w1", "w2"}
    assert set(Job.objects.values_list("status", flat=True)) == {Status.DONE}
    assert all(len(r.worker_ids) == 1 for r in DBTaskResult.objects.all())
    assert len(jobs) == DBTaskResult.objects.count()
