"""Login security: hashing, password rules, lockout, session lifetime, reset by mail."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from peerstod import settings as project_settings
from peerstod.accounts.services import user_create
from peerstod.core.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory

LOGIN = reverse("accounts:login")


def post_login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_passwords_are_hashed_with_argon2(db):
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        user = user_create(email="a@test.se", full_name="A", password="ett långt lösenord 42")
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("password", ["kort123!", "password1234", "123456789012"])
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_user_can_log_in_with_email_in_any_case(client, db):
    UserFactory(email="lina@test.se")
    response = post_login(client, "  LINA@test.se ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home:dashboard")


def test_a_wrong_password_says_so_in_swedish_and_logs_nobody_in(client, db):
    UserFactory(email="lina@test.se")
    response = post_login(client, "lina@test.se", "fel lösenord här")
    assert response.status_code == 200
    assert "korrekt" in response.content.decode()  # Django's Swedish catalogue
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_with_the_right_password(client, db):
    UserFactory(email="lina@test.se")
    for _ in range(5):
        post_login(client, "lina@test.se", "fel lösenord här")
    response = post_login(client, "lina@test.se", PASSWORD)
    assert response.status_code == 429
    assert "låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_not_per_hospital(client, db):
    UserFactory(email="lina@test.se")
    UserFactory(email="juan@test.se")
    for _ in range(5):
        post_login(client, "lina@test.se", "fel lösenord här")
    assert post_login(client, "juan@test.se", PASSWORD).status_code == 302


def test_login_gives_a_new_session_id(client, db):
    UserFactory(email="lina@test.se")
    client.get(LOGIN)
    client.session["probe"] = 1
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    post_login(client, "lina@test.se", PASSWORD)
    assert client.session.session_key != before


def test_login_is_audited(client, db):
    user = UserFactory(email="lina@test.se")
    post_login(client, "lina@test.se", PASSWORD)
    assert AuditEvent.objects.filter(actor=user, action="accounts.user.logged_in").count() == 1


def _age_session(client, **seconds):
    session = client.session
    for key, ago in seconds.items():
        session[key] = time.time() - ago
    session.save()


def test_a_session_ends_after_30_minutes_idle(client, world, login):
    login(world.users["coordinator"])
    assert client.get(reverse("home:dashboard")).status_code == 200
    _age_session(client, seen_at=31 * 60)
    response = client.get(reverse("home:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?expired=1")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "30 minuter" in page.content.decode()


def test_a_session_ends_after_12_hours_however_active(client, world, login):
    login(world.users["coordinator"])
    _age_session(client, login_at=12 * 3600 + 1, seen_at=10)
    assert client.get(reverse("home:dashboard")).status_code == 302


def test_an_active_session_stays_open(client, world, login):
    login(world.users["coordinator"])
    _age_session(client, seen_at=29 * 60)
    assert client.get(reverse("home:dashboard")).status_code == 200
    assert time.time() - client.session["seen_at"] < 5  # the idle clock restarted


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="lina@test.se")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "lina@test.se"})
    assert len(mail.outbox) == 1
    assert "Välj ett nytt lösenord" in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/konto/aterstall/" in line)
    form_url = client.get(link.split("testserver", 1)[1])["Location"]
    new = "ett helt nytt lösenord 2026"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert post_login(client, "lina@test.se", new).status_code == 302


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "ingen@test.se"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_logout_ends_the_session(client, world, login):
    login(world.users["peer"])
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home:dashboard")).status_code == 302


def test_the_language_choice_is_remembered(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log in" in client.get(LOGIN).content.decode()
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert "Logga in" in client.get(LOGIN).content.decode()


def test_swedish_is_the_default_whatever_the_browser_says(client, db):
    response = client.get(LOGIN, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="sv">' in response.content.decode()
