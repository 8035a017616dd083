"""Issue 14: the public forms are no oracle. Whether an address has applied to a call (or
has an account) is never told on the screen, in a status code, a redirect or a different
amount of work: the answer goes to the mailbox of the address, which only its owner
reads. Mail is checked as it arrives at a real SMTP server."""

import io
import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerstod.accounts.scope import scope_for
from peerstod.core.models import AuditEvent
from peerstod.notifications.models import OutboxMail
from peerstod.people.models import Person
from peerstod.recruitment import services
from peerstod.recruitment.models import Application, Step
from tests import smtp_server
from tests.factories import UserFactory
from tests.recruitment_world import open_call, submit
from tests.smtp_server import running_smtp_server
from tests.test_recruitment import apply_form

smtp_port = smtp_server.smtp_port  # the fixture: a free localhost port, nothing listening

# The forms' token: new with every page.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')


def same_page(html: str, address: str) -> str:
    """The page as it would be for anyone: without its CSRF token and the typed address."""
    return CSRF.sub(r"\1…\2", html).replace(address, "<address>")


@pytest.fixture
def smtp(settings, smtp_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    settings.EMAIL_TIMEOUT = 5
    return smtp_port


def sent_through_smtp(port) -> list[EmailMessage]:
    """Deliver the outbox as the timer does (`peerstod outbox`) to a real SMTP server."""
    with running_smtp_server(port) as server:
        out = io.StringIO()
        call_command("outbox", stdout=out)
    assert out.getvalue().startswith(f"sent {len(server.messages)},")
    return server.messages


def to(messages, address) -> EmailMessage:
    found = [m for m in messages if m["X-Envelope-To"] == address]
    assert len(found) == 1, [m["X-Envelope-To"] for m in messages]
    return found[0]


def apply_as_stranger(call, address, **overrides):
    """A visitor of their own (own session), sending the form and reading the answer."""
    client = Client()
    url = reverse("recruitment:apply", args=[call.code])
    client.get(url)
    posted = client.post(url, apply_form(call, email=address, **overrides))
    page = client.get(posted["Location"]) if posted.status_code == 302 else posted
    return posted, page


# The application form -------------------------------------------------------------------


def test_a_known_and_a_new_address_get_the_same_page_and_each_the_right_mail(world, smtp):
    call = open_call(world)
    earlier, _token = submit(call, email="lina@test.se")
    before = Application.objects.get(pk=earlier.pk)
    people = Person.objects.count()

    known_post, known_page = apply_as_stranger(call, "lina@test.se", full_name="Någon Annan")
    new_post, new_page = apply_as_stranger(call, "ny@test.se")

    assert known_post.status_code == new_post.status_code == 302
    assert known_post["Location"] == new_post["Location"]
    assert "/ansokan/" not in known_post["Location"]
    assert known_page.status_code == new_page.status_code == 200
    known_html, new_html = known_page.content.decode(), new_page.content.decode()
    assert same_page(known_html, "lina@test.se") == same_page(new_html, "ny@test.se")
    assert "Tack — vi har skickat ett mejl till lina@test.se" in known_html
    assert "/ansokan/" not in new_html  # the status link is never on the screen

    # The same work: one mail each, queued in the outbox.
    assert OutboxMail.objects.filter(to="lina@test.se").count() == 1
    assert OutboxMail.objects.filter(to="ny@test.se").count() == 1
    messages = sent_through_smtp(smtp)
    receipt, note = to(messages, "ny@test.se"), to(messages, "lina@test.se")
    link = re.search(r"http://testserver(/ansokan/[^/\s]+/)", receipt.get_content()).group(1)
    status = Client().get(link)
    assert status.status_code == 200 and "Mottagen" in status.content.decode()
    body = note.get_content()
    assert "redan" in body and "/ansokan/" not in body
    assert "Någon Annan" not in body  # what the sender typed is not repeated back

    # Nothing new for the known address: its application and person are as they were.
    assert Application.objects.filter(call=call).count() == 2
    assert Person.objects.count() == people + 1  # only the new applicant
    after = Application.objects.get(pk=earlier.pk)
    assert (after.full_name, after.motivation, after.submitted_at) == (
        before.full_name,
        before.motivation,
        before.submitted_at,
    )
    repeat = AuditEvent.objects.get(action="recruitment.application.repeated")
    assert repeat.actor is None and repeat.object_ref == earlier.code


def test_a_withdrawn_or_purged_address_gets_the_same_page_and_a_new_receipt(world, smtp):
    call = open_call(world)
    _earlier, token = submit(call, email="lina@test.se")
    services.application_withdraw(token=token)
    refused, _token = submit(call, email="juan@test.se")
    network = world.users["network"]
    services.application_advance(
        scope=scope_for(network),
        actor=network,
        application=refused,
        step=Step.NOT_ADMITTED,
        reason="not_eligible",
    )
    services.purge(now=timezone.now() + timedelta(days=30 * 25))
    pages = {
        address: apply_as_stranger(call, address)[1].content.decode()
        for address in ("lina@test.se", "juan@test.se", "ny@test.se")
    }
    assert len({same_page(html, address) for address, html in pages.items()}) == 1
    messages = sent_through_smtp(smtp)
    for address in ("lina@test.se", "juan@test.se"):
        assert "Vi har tagit emot" in to(messages, address).get_content()
        assert Application.objects.filter(call=call, person__email=address).count() == 1


def test_bad_input_reads_the_same_for_a_known_and_a_new_address(world):
    call = open_call(world)
    submit(call, email="lina@test.se")
    bad = {"motivation": "Mitt personnummer är 811218-9876."}
    known, _ = apply_as_stranger(call, "lina@test.se", **bad)
    new, _ = apply_as_stranger(call, "ny@test.se", **bad)
    assert known.status_code == new.status_code == 200
    assert "ett personnummer" in known.content.decode()
    assert same_page(known.content.decode(), "lina@test.se") == same_page(
        new.content.decode(), "ny@test.se"
    )
    assert not OutboxMail.objects.exists()


def test_the_thank_you_page_speaks_english_too(world):
    call = open_call(world)
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    posted = client.post(reverse("recruitment:apply", args=[call.code]), apply_form(call))
    page = client.get(posted["Location"]).content.decode()
    assert "Thank you — we have sent an e-mail to lina@test.se." in page
    # Reloaded later, the page names no address (it was shown once).
    again = client.get(posted["Location"]).content.decode()
    assert "lina@test.se" not in again
    assert "Thank you — we have sent an e-mail to the address you gave." in again


def test_the_note_to_a_known_address_is_in_swedish(world, smtp):
    call = open_call(world)
    submit(call, email="lina@test.se")
    apply_as_stranger(call, "lina@test.se")
    note = to(sent_through_smtp(smtp), "lina@test.se")
    assert note["Subject"] == f"Din ansökan: {call.title}"
    assert "Vi har redan en ansökan från den här adressen" in note.get_content()


def test_the_rate_limit_counts_known_addresses_like_new_ones(client, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "3/h"}
    call = open_call(world)
    submit(call, email="lina@test.se")
    url = reverse("recruitment:apply", args=[call.code])
    answers = [
        client.post(url, apply_form(call, email=email), REMOTE_ADDR="203.0.113.5").status_code
        for email in ["lina@test.se", "lina@test.se", "ny@test.se", "lina@test.se", "b@test.se"]
    ]
    assert answers == [302, 302, 302, 429, 429]
    assert OutboxMail.objects.count() == 3
    assert Application.objects.filter(call=call).count() == 2


def test_an_unknown_or_dead_status_link_is_a_plain_404(client, world):
    call = open_call(world)
    _application, token = submit(call)
    services.application_withdraw(token=token)
    dead = client.get(reverse("recruitment:status", args=[token]))
    unknown = client.get(reverse("recruitment:status", args=["x" * 32]))
    assert dead.status_code == unknown.status_code == 404
    # The same page (its language form returns to the address asked for).
    assert same_page(dead.content.decode(), token) == same_page(unknown.content.decode(), "x" * 32)


# Password reset and login -------------------------------------------------------------


def test_password_reset_reads_the_same_for_an_account_and_no_account(db, smtp):
    UserFactory(email="lina@test.se")
    url = reverse("accounts:password_reset")
    pages = {}
    for address in ("lina@test.se", "ingen@test.se"):
        client = Client()
        form = client.get(url)
        posted = client.post(url, {"email": address})
        done = client.get(posted["Location"])
        pages[address] = (form.status_code, posted.status_code, posted["Location"], done)
    known, unknown = pages["lina@test.se"], pages["ingen@test.se"]
    assert known[:3] == unknown[:3] == (200, 302, reverse("accounts:password_reset_done"))
    assert same_page(known[3].content.decode(), "lina@test.se") == same_page(
        unknown[3].content.decode(), "ingen@test.se"
    )
    assert OutboxMail.objects.count() == 2  # one mail each: the same work
    messages = sent_through_smtp(smtp)
    assert "/konto/aterstall/" in to(messages, "lina@test.se").get_content()
    nothing = to(messages, "ingen@test.se").get_content()
    assert "inget aktivt konto" in nothing and "/konto/aterstall/" not in nothing
    row = AuditEvent.objects.get(action="accounts.password_reset_unknown")
    assert "ingen@test.se" not in str(row.__dict__)


def test_a_wrong_password_and_an_unknown_address_get_the_same_login_page(db):
    UserFactory(email="lina@test.se")
    pages = {}
    for address in ("lina@test.se", "ingen@test.se"):
        client = Client()
        url = reverse("accounts:login")
        client.get(url)
        answers = [
            client.post(url, {"username": address, "password": "fel lösenord här"})
            for _ in range(6)
        ]
        pages[address] = answers
    for known, unknown in zip(pages["lina@test.se"], pages["ingen@test.se"], strict=True):
        assert known.status_code == unknown.status_code
        assert same_page(known.content.decode(), "lina@test.se") == same_page(
            unknown.content.decode(), "ingen@test.se"
        )
    assert pages["ingen@test.se"][-1].status_code == 429  # locked alike
