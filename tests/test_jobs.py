"""Background jobs: started by a service with its audit row, queued when the request
commits, run once by the real database worker, seen and downloaded by the owner only."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from peerstod.core.models import AuditEvent
from peerstod.jobs import registry, services
from peerstod.jobs.models import Job, Status

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


def start(user, text, capture):
    with capture(execute=True):
        return services.job_start(actor=user, kind="tests.echo", title="Eko", params={"text": text})


def work():
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)


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
