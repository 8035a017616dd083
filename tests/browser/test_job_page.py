"""The job page in each of its states, as its owner sees it: progress announced politely
(role=status), a failure as an alert, a lost job as a failure to try again, the file to
download when done; zero axe-core violations in every state."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from peerstod.accounts.models import User
from peerstod.jobs.models import Job, Status
from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@example.org"


def _job(**fields) -> Job:
    owner = User.objects.get(email=COORDINATOR)
    return Job.objects.create(
        kind="tests.page", title="Enkätlappar för Avd 3", owner=owner, **fields
    )


def test_the_job_page_is_accessible_waiting_running_lost_failed_and_done(page):
    long_ago = timezone.now() - timedelta(days=1)
    jobs = {
        "queued": _job(),
        "running": _job(status=Status.RUNNING, percent=40, step="Lapp 80 av 200",
                        started_at=timezone.now()),
        "lost": _job(status=Status.RUNNING, percent=40, started_at=long_ago),
        "failed": _job(status=Status.FAILED, problem="Filen saknar kolumnen vårddygn."),
        "done": _job(status=Status.DONE, percent=100, filename="lappar.pdf",
                     content_type="application/pdf", output=b"%PDF-1.4"),
    }  # fmt: skip
    log_in(page, COORDINATOR)
    for state, job in jobs.items():
        response = page.goto(job.get_absolute_url())
        assert response is not None and response.ok, state
        expect(page.get_by_role("heading", level=1)).to_have_text("Enkätlappar för Avd 3")
        if state in ("queued", "running"):
            expect(page.get_by_role("status")).to_contain_text("Du kan lämna sidan")
            expect(page.get_by_role("progressbar")).to_be_visible()
            assert response.headers.get("refresh") == "2"
        elif state in ("lost", "failed"):
            expect(page.get_by_role("alert")).to_be_visible()
            assert "refresh" not in response.headers
        else:
            expect(page.get_by_role("link", name="Ladda ner lappar.pdf")).to_be_visible()
        assert_accessible(page)
