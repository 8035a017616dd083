"""Limits that hold: the mail outbox, rate limits across app servers and behind the
proxy, lockout per address, request size and NUL bytes, private caching and security
headers, formula-safe exports, charts without inline styles, one-time form keys."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peerstod.core import charts, idempotency, ratelimit
from peerstod.core.clientip import client_ip, ratelimit_key
from peerstod.core.exports import safe_text, sheet_title, workbook_response
from peerstod.notifications.mail import deliver, mail_queue
from peerstod.notifications.models import OutboxMail
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.smtp_server import free_port, running_smtp_server

LOGIN = reverse("accounts:login")


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5


# The outbox ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_mail_queued_while_the_server_is_down_waits_and_goes_when_it_is_back(settings):
    port = free_port()
    use_smtp(settings, port)  # nothing listens there yet
    mail_queue(to=["lina@test.se"], subject="Kvitto", body="Din länk: https://x/status/abc/")
    waiting = OutboxMail.objects.get()
    assert waiting.sent_at is None
    assert waiting.attempts == 1
    assert waiting.next_attempt_at > timezone.now()
    assert waiting.last_error.startswith("ConnectionRefusedError: ")

    assert deliver()["sent"] == 0  # not due yet: nothing is hammered
    with running_smtp_server(port) as server:
        counts = deliver(now=timezone.now() + timedelta(minutes=2))
    assert counts == {"sent": 1, "waiting": 0, "given_up": 0}
    assert server.messages[0]["To"] == "lina@test.se"
    assert "https://x/status/abc/" in server.messages[0].get_content()
    sent = OutboxMail.objects.get()
    assert sent.sent_at is not None
    assert sent.body == ""  # the private link does not stay in the database


@pytest.mark.django_db(transaction=True)
def test_a_mail_that_never_gets_through_is_given_up_after_the_last_pause(settings):
    use_smtp(settings, free_port())
    mail_queue(to=["a@test.se"], subject="S", body="B")
    later = timezone.now()
    for _ in range(10):
        later += timedelta(days=1)
        deliver(now=later)
    mail = OutboxMail.objects.get()
    assert mail.failed_at is not None
    assert mail.sent_at is None
    assert mail.body == ""


@pytest.mark.django_db(transaction=True)
def test_the_outbox_sends_one_mail_per_address_once(settings):
    port = free_port()
    use_smtp(settings, port)
    with running_smtp_server(port) as server:
        mail_queue(to=["a@test.se", "a@test.se", " b@test.se "], subject="S", body="B")
    assert sorted(m["To"] for m in server.messages) == ["a@test.se", "b@test.se"]


# Client address and rate limits ---------------------------------------------------


def _request(remote="10.0.0.1", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **headers)


def test_without_a_proxy_the_client_is_the_connecting_address(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(_request("10.0.0.9", forwarded="6.6.6.6")) == "10.0.0.9"


def test_behind_the_proxy_the_client_is_what_the_proxy_appended_not_what_it_was_sent(settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    # The load balancer (10.0.0.1) appends the address it saw: 81.2.3.4. The client
    # had written a forged 1.1.1.1 in front of it.
    request = _request("10.0.0.1", forwarded="1.1.1.1, 81.2.3.4")
    assert client_ip(request) == "81.2.3.4"


def test_ipv6_clients_are_limited_by_their_network(settings):
    settings.BEHIND_PROXY = False
    one = ratelimit_key("g", _request("2001:db8:1:2::10"))
    other = ratelimit_key("g", _request("2001:db8:1:2::99"))
    assert one == other == "2001:db8:1:2::/64"


def test_the_limit_counts_per_client_and_refuses_the_one_over(db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "3/h"}
    settings.BEHIND_PROXY = True
    first = [ratelimit.hit(_request(forwarded="81.2.3.4"), "apply") for _ in range(4)]
    second = ratelimit.hit(_request(forwarded="81.2.3.5"), "apply")
    assert first == [False, False, False, True]
    assert second is False


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_database_cache_counts_every_hit_when_servers_count_at_once():
    cache.clear()
    cache.add("counter", 0, 600)
    barrier = threading.Barrier(4)

    def hammer():
        barrier.wait()
        for _ in range(25):
            cache.incr("counter")
        connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("counter") == 100


def test_five_wrong_passwords_lock_the_address_not_the_person_everywhere(client, db):
    UserFactory(email="lina@test.se")
    for _ in range(5):
        client.post(LOGIN, {"username": "lina@test.se", "password": "fel"}, REMOTE_ADDR="6.6.6.6")
    locked = client.post(
        LOGIN, {"username": "lina@test.se", "password": PASSWORD}, REMOTE_ADDR="6.6.6.6"
    )
    assert locked.status_code == 429
    # Lina on her own ward computer still gets in: an attacker cannot lock her out.
    her_own = client.post(
        LOGIN, {"username": "lina@test.se", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert her_own.status_code == 302


def test_login_guesses_from_one_address_are_limited_across_usernames(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "10/m"}
    statuses = [
        client.post(LOGIN, {"username": f"u{i}@test.se", "password": "x"}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    assert "För många försök" in client.post(LOGIN, {"username": "a@b.se"}).content.decode()


# Requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/ansok/%00/",
        "/ni-sa-vi-gjorde/%00/",
        "/enkat/kiosk/%00/",
        "/arbete/schema/?vecka=%00",
    ],
)
def test_a_nul_byte_in_the_address_answers_400_not_500(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Inget sparades" in response.content.decode()


def test_a_nul_byte_in_a_form_field_answers_400(client, db):
    response = client.post(LOGIN, {"username": "a\x00@test.se", "password": "x"})
    assert response.status_code == 400


def test_a_body_over_the_limit_is_refused_before_any_view_files_included(client, db, settings):
    settings.MAX_REQUEST_BYTES = 100_000
    upload = io.BytesIO(b"x" * 300_000)
    upload.name = "bilaga.bin"
    response = client.post(LOGIN, {"username": "a@test.se", "file": upload})
    assert response.status_code == 413
    assert "för stor" in response.content.decode()


# Headers -----------------------------------------------------------------------------


def test_every_page_has_a_content_security_policy_without_inline_code(client, db):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_every_page_refuses_camera_microphone_and_location(client, db):
    policy = client.get(LOGIN)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_pages_for_a_logged_in_user_are_never_stored(client, world, login):
    login(world.users["coordinator"])
    response = client.get(reverse("home:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_public_page_may_be_cached_but_a_download_never(client, db, rf):
    assert "no-store" not in client.get(reverse("recruitment:public_calls")).get(
        "Cache-Control", ""
    )
    from peerstod.core.middleware import PrivateCacheMiddleware

    def download(request):
        return workbook_response("x.xlsx", [("Blad", ["a"], [[1]])])

    request = rf.get("/")
    request.user = None
    assert "no-store" in PrivateCacheMiddleware(download)(request)["Cache-Control"]


# Exports and charts ------------------------------------------------------------------


def test_text_that_would_be_a_formula_is_written_as_text():
    values = ['=HYPERLINK("http://x","y")', "+1", "-2 patienter", "@SUM(A1)", "\tx", "Avd 3"]
    response = workbook_response("x.xlsx", [("Blad", ["namn"], [[v] for v in values])])
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [sheet.cell(row=i, column=1) for i in range(2, 2 + len(values))]
    assert [c.data_type for c in cells] == ["s"] * len(values)
    assert [c.value for c in cells] == values
    assert all(c.quotePrefix for c in cells[:5])


def test_numbers_stay_numbers_and_names_make_valid_sheet_titles():
    response = workbook_response("x.xlsx", [("Avd 3/4: [akut]?", ["n"], [[-5], [2.5]])])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Avd 3 4   akut"
    assert [sheet["A2"].value, sheet["A3"].value] == [-5, 2.5]
    assert sheet_title("") == "Blad"
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("Avd 3") == "Avd 3"


def test_charts_carry_no_inline_style_and_do_not_read_dollars_as_tex():
    svg = charts.horizontal_bars(["Avd $x^2$ och $", "B"], [7, None], title="Kostnad $ 5")
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'fill="#00507a"' in svg


# One-time form keys -------------------------------------------------------------------


def test_a_one_time_key_is_claimed_once_and_returns_what_the_first_use_made(db):
    key = idempotency.new_key()
    assert idempotency.claim(key, purpose="test") == (True, "")
    idempotency.remember(key, purpose="test", result="abc123")
    assert idempotency.claim(key, purpose="test") == (False, "abc123")
    assert idempotency.claim(key, purpose="other") == (True, "")
    assert idempotency.claim("", purpose="test") == (True, "")
