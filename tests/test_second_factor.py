"""Two-factor authentication (issue 16): who is asked, enrolment, codes from the app and
recovery codes, replays, throttling and lockout, the administrator's reset, DEBUG.

A session made by `client.force_login` alone is weak (a password login); the `login`
fixture and `strong_login` make it strong, as after a second factor."""

import time
from base64 import b32decode
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from peerstod.accounts import actions, services, strength
from peerstod.accounts.models import SecondFactorLock
from peerstod.core.models import AuditEvent
from tests.conftest import strong_login

DASHBOARD = reverse("home:dashboard")
VERIFY = reverse("accounts:second_factor")
ENROL = reverse("accounts:second_factor_enrol")
RECOVERY = reverse("accounts:recovery_codes")
PERSONAL_DATA_PERSONAS = ["admin", "network", "coordinator", "manager", "supervisor", "trainer"]


def code_for(key: str, steps_ahead: int = 0) -> str:
    """The app's code for a hex key, now or a number of 30-second steps later."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def wrong_codes(key: str, count: int) -> list[str]:
    """Six digits that none of the steps the device accepts now would give."""
    right = {code_for(key, steps) for steps in range(-2, 3)}
    return [code for n in range(count + 5) if (code := f"{n:06d}") not in right][:count]


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Enrol through the service, with the app's code of this step (so that code is spent)."""
    key = random_hex(20)
    return services.second_factor_enrol(user=user, key=key, code=code_for(key))


def weak(client, user):
    client.logout()
    client.force_login(user)
    return client


def actions_of(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_ref=str(user.pk), action__startswith="accounts.second")
        .order_by("id")
        .values_list("action", flat=True)
    )


def verify(client, code, next_url=DASHBOARD):
    return client.post(f"{VERIFY}?next={next_url}", {"code": code, "next": next_url})


# Who is asked ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAL_DATA_PERSONAS)
def test_a_weak_session_of_every_personal_data_role_is_sent_to_enrol_and_back(
    client, world, persona
):
    weak(client, world.users[persona])
    response = client.get(reverse("orgs:list") + "?q=1")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == ENROL
    assert parse_qs(target.query)["next"] == [reverse("orgs:list") + "?q=1"]


@pytest.mark.parametrize("persona", ["peer", "evaluator"])
def test_a_peer_supporter_or_an_evaluator_without_an_app_is_not_asked(client, world, persona):
    weak(client, world.users[persona])
    assert client.get(DASHBOARD).status_code == 200


def test_a_peer_supporter_who_enrolled_of_their_own_accord_is_asked_too(client, world):
    peer = world.users["peer"]
    enrol(peer)
    response = weak(client, peer).get(DASHBOARD)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == VERIFY


def test_an_enrolled_coordinator_is_asked_for_a_code_not_sent_to_enrol(client, world):
    coordinator = world.users["coordinator"]
    enrol(coordinator)
    response = weak(client, coordinator).get(DASHBOARD)
    assert urlsplit(response["Location"]).path == VERIFY


def test_a_strong_session_is_not_asked(client, world):
    strong_login(client, world.users["coordinator"])
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("method", [strength.SAML, strength.OIDC])
def test_a_login_through_the_identity_provider_needs_no_second_factor(client, world, method):
    coordinator = world.users["coordinator"]
    enrol(coordinator)
    strong_login(client, coordinator, method=method)
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(VERIFY)["Location"] == DASHBOARD


def test_a_weak_session_reaches_public_pages_health_logout_and_the_second_factor_pages(
    client, world
):
    weak(client, world.users["coordinator"])
    assert client.get(reverse("recruitment:public_calls")).status_code == 200
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("core:readyz")).status_code == 200
    assert client.get(ENROL).status_code == 200
    assert client.get("/static/peerstod/css/app.css").status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_weak_session_cannot_post_to_a_protected_page(client, world):
    weak(client, world.users["coordinator"])
    before = AuditEvent.objects.count()
    response = client.post(reverse("orgs:unit_create"), {"name": "Ny avdelning"})
    assert urlsplit(response["Location"]).path == ENROL
    assert AuditEvent.objects.count() == before


def test_the_admin_site_needs_a_second_factor(client, world):
    weak(client, world.users["admin"])
    response = client.get(reverse("admin:index"))
    assert urlsplit(response["Location"]).path == ENROL


# DEBUG ----------------------------------------------------------------------------------


def test_with_debug_a_demo_account_without_an_app_logs_in_on_the_password_alone(
    client, world, settings
):
    settings.DEBUG = True
    weak(client, world.users["coordinator"])
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(ENROL).status_code == 200  # they may still enrol


def test_with_debug_an_account_with_an_app_is_still_asked(client, world, settings):
    settings.DEBUG = True
    coordinator = world.users["coordinator"]
    enrol(coordinator)
    response = weak(client, coordinator).get(DASHBOARD)
    assert urlsplit(response["Location"]).path == VERIFY


def test_without_debug_the_same_account_without_an_app_is_sent_to_enrol(client, world, settings):
    settings.DEBUG = False
    response = weak(client, world.users["coordinator"]).get(DASHBOARD)
    assert urlsplit(response["Location"]).path == ENROL


# Enrolment ------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_as_inline_svg_and_the_key_as_text(client, world):
    weak(client, world.users["coordinator"])
    page = client.get(ENROL).content.decode()
    key = client.session["peerstod_totp_enrol_key"]
    assert "<svg" in page and "<img" not in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style=" not in svg  # the policy allows no inline style
    secret = page.split('id="secret">')[1].split("<")[0]
    assert b32decode(secret.replace(" ", "")).hex() == key
    # Reloading keeps the same key (the app may have scanned it already).
    client.get(ENROL)
    assert client.session["peerstod_totp_enrol_key"] == key


def test_enrolling_with_the_right_code_shows_ten_recovery_codes_once_and_makes_the_session_strong(
    client, world
):
    coordinator = world.users["coordinator"]
    weak(client, coordinator)
    client.get(ENROL)
    key = client.session["peerstod_totp_enrol_key"]
    next_url = reverse("orgs:list")
    response = client.post(f"{ENROL}?next={next_url}", {"code": code_for(key), "next": next_url})
    assert response.status_code == 200
    page = response.content.decode()
    tokens = list(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    assert len(tokens) == 10 and all(token in page for token in tokens)
    assert "Jag har sparat dem" in page and f'href="{next_url}"' in page
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert client.session[strength.SESSION_KEY] == strength.TOTP
    assert client.session[DEVICE_ID_SESSION_KEY]
    assert "peerstod_totp_enrol_key" not in client.session
    assert actions_of(coordinator) == [actions.SECOND_FACTOR_ENROLLED.code]
    assert client.get(next_url).status_code == 200
    # Shown once: the enrolment page now sends a strong session to its account page.
    assert client.get(ENROL)["Location"] == reverse("accounts:profile")


def test_enrolling_with_a_wrong_code_says_so_in_swedish_and_saves_nothing(client, world):
    coordinator = world.users["coordinator"]
    weak(client, coordinator)
    client.get(ENROL)
    key = client.session["peerstod_totp_enrol_key"]
    response = client.post(ENROL, {"code": wrong_codes(key, 1)[0]})
    assert "Koden stämmer inte" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert strength.SESSION_KEY not in client.session
    response = client.post(ENROL, {"code": "12ab"})
    assert "Skriv de sex siffror" in response.content.decode()


# Verification ---------------------------------------------------------------------------


def test_a_code_from_the_app_makes_the_session_strong_and_goes_on_to_next(client, world):
    coordinator = world.users["coordinator"]
    device, _codes = enrol(coordinator)
    weak(client, coordinator)
    old_session = client.session.session_key
    next_url = reverse("orgs:list")
    response = verify(client, code_for(device.key, steps_ahead=1), next_url)
    assert response.status_code == 302 and response["Location"] == next_url
    assert client.session[strength.SESSION_KEY] == strength.TOTP
    assert client.session.session_key != old_session  # a new session id once strong
    assert actions_of(coordinator)[-1] == actions.SECOND_FACTOR_VERIFIED.code
    assert client.get(next_url).status_code == 200


def test_a_next_outside_the_site_is_ignored(client, world):
    coordinator = world.users["coordinator"]
    device, _codes = enrol(coordinator)
    weak(client, coordinator)
    response = verify(client, code_for(device.key, 1), "https://evil.example/")
    assert response["Location"] == DASHBOARD


def test_a_wrong_code_is_refused_in_swedish_counted_and_audited(client, world):
    coordinator = world.users["coordinator"]
    device, _codes = enrol(coordinator)
    weak(client, coordinator)
    response = verify(client, wrong_codes(device.key, 1)[0])
    assert response.status_code == 200
    assert "Koden är fel eller har redan använts" in response.content.decode()
    assert strength.SESSION_KEY not in client.session
    assert SecondFactorLock.objects.get(user=coordinator).failures == 1
    assert actions_of(coordinator)[-1] == actions.SECOND_FACTOR_FAILED.code
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp's own throttle counts too


def test_an_empty_code_is_refused_and_not_counted(client, world):
    coordinator = world.users["coordinator"]
    enrol(coordinator)
    weak(client, coordinator)
    response = verify(client, "   ")
    assert "Skriv koden" in response.content.decode()
    assert not SecondFactorLock.objects.filter(user=coordinator).exists()


def test_a_huge_code_is_refused_with_a_message_not_an_error(client, world):
    coordinator = world.users["coordinator"]
    enrol(coordinator)
    weak(client, coordinator)
    response = verify(client, "1" * 100_000)
    assert response.status_code == 200
    assert "längre än någon kod" in response.content.decode()
    assert strength.SESSION_KEY not in client.session
    response = client.post(ENROL, {"code": "9" * 100_000})
    assert response.status_code == 302  # enrolled already: to the code page


def test_a_code_from_the_app_cannot_be_used_twice(client, world):
    """django-otp refuses a replay: a code verified once, and every earlier one, is spent,
    even within the same 30-second step."""
    coordinator = world.users["coordinator"]
    device, _codes = enrol(coordinator)
    code = code_for(device.key, 1)
    assert verify(weak(client, coordinator), code).status_code == 302
    response = verify(weak(client, coordinator), code)
    assert response.status_code == 200
    assert "redan använts" in response.content.decode()
    assert strength.SESSION_KEY not in client.session
    # The code used at enrolment is spent as well.
    key_code_now = code_for(device.key)
    assert services.second_factor_verify(user=coordinator, code=key_code_now).ok is False


def test_a_recovery_code_works_once(client, world):
    coordinator = world.users["coordinator"]
    _device, codes = enrol(coordinator)
    response = verify(weak(client, coordinator), f"  {codes[0].upper()[:4]}-{codes[0][4:]} ")
    assert response.status_code == 302
    assert client.session[strength.SESSION_KEY] == strength.RECOVERY_CODE
    assert actions_of(coordinator)[-1] == actions.RECOVERY_CODE_USED.code
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9
    StaticDevice.objects.filter(user=coordinator).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = verify(weak(client, coordinator), codes[0])
    assert response.status_code == 200
    assert "redan använts" in response.content.decode()
    assert strength.SESSION_KEY not in client.session


def test_few_recovery_codes_left_are_pointed_out(client, world):
    coordinator = world.users["coordinator"]
    _device, codes = enrol(coordinator)
    StaticToken.objects.filter(token__in=codes[3:]).delete()
    response = verify(weak(client, coordinator), codes[0])
    page = client.get(response["Location"]).content.decode()
    assert "Du har 2 reservkoder kvar" in page


@pytest.mark.parametrize("kind", ["app", "recovery"])
def test_django_otp_throttles_a_device_after_wrong_codes(client, world, kind):
    """Each wrong code doubles the wait before the device checks another: the right code
    within the wait is refused (and counts as wrong)."""
    coordinator = world.users["coordinator"]
    device, codes = enrol(coordinator)
    model = TOTPDevice if kind == "app" else StaticDevice
    model.objects.filter(user=coordinator).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    right = code_for(device.key, 1) if kind == "app" else codes[0]
    response = verify(weak(client, coordinator), right)
    assert "Vänta några sekunder" in response.content.decode()
    assert strength.SESSION_KEY not in client.session
    assert SecondFactorLock.objects.get(user=coordinator).failures == 1
    model.objects.filter(user=coordinator).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert verify(client, right).status_code == 302


def test_five_wrong_codes_in_a_row_log_out_and_block_the_second_factor_for_the_cooloff(
    client, world, settings
):
    coordinator = world.users["coordinator"]
    device, codes = enrol(coordinator)
    weak(client, coordinator)
    *first, last = wrong_codes(device.key, 5)
    for code in first:
        response = verify(client, code)
        assert response.status_code == 200
    response = verify(client, last)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Tvåstegsverifieringen är spärrad en stund" in page
    assert "har du loggats ut" in page
    assert "_auth_user_id" not in client.session
    lock = SecondFactorLock.objects.get(user=coordinator)
    assert abs(lock.locked_until - (timezone.now() + settings.AXES_COOLOFF_TIME)) < timedelta(
        minutes=1
    )
    assert actions_of(coordinator)[-6:] == [actions.SECOND_FACTOR_FAILED.code] * 5 + [
        actions.SECOND_FACTOR_LOCKED.code
    ]
    # Logging in again with the password meets the block, even with a right code.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert weak(client, coordinator).get(VERIFY).status_code == 403
    response = verify(weak(client, coordinator), code_for(device.key, 1))
    assert response.status_code == 403
    assert strength.SESSION_KEY not in client.session
    assert services.second_factor_verify(user=coordinator, code=codes[0]).locked
    # Once the cool-off is over, a right code is accepted again.
    SecondFactorLock.objects.filter(user=coordinator).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert verify(weak(client, coordinator), code_for(device.key, 1)).status_code == 302


def test_a_right_code_starts_the_count_of_wrong_ones_again(client, world):
    coordinator = world.users["coordinator"]
    device, _codes = enrol(coordinator)
    for code in wrong_codes(device.key, 4):
        services.second_factor_verify(user=coordinator, code=code)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert services.second_factor_verify(user=coordinator, code=code_for(device.key, 1)).ok
    assert SecondFactorLock.objects.get(user=coordinator).failures == 0
    assert not services.second_factor_verify(
        user=coordinator, code=wrong_codes(device.key, 1)[0]
    ).locked


# Recovery codes and the administrator's reset -----------------------------------------


def test_new_recovery_codes_replace_the_old_ones(client, world):
    coordinator = world.users["coordinator"]
    _device, old = enrol(coordinator)
    strong_login(client, coordinator)
    page = client.get(RECOVERY).content.decode()
    assert "10 oanvända reservkoder" in page
    response = client.post(RECOVERY)
    new = list(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert all(code in response.content.decode() for code in new)
    assert actions_of(coordinator)[-1] == actions.RECOVERY_CODES_REGENERATED.code
    assert not services.second_factor_verify(user=coordinator, code=old[1]).ok


def test_a_weak_session_cannot_make_new_recovery_codes(client, world):
    coordinator = world.users["coordinator"]
    _device, old = enrol(coordinator)
    response = weak(client, coordinator).post(RECOVERY)
    assert urlsplit(response["Location"]).path == VERIFY
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)


def test_the_profile_page_offers_two_step_verification(client, world):
    peer = world.users["peer"]
    strong_login(client, peer)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Tvåstegsverifiering" in page and ENROL in page
    enrol(peer)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Påslagen" in page and RECOVERY in page


def _reset_in_admin(client, user):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )


def test_the_administrator_resets_a_users_second_factor_in_the_admin_audited(client, world):
    coordinator, admin = world.users["coordinator"], world.users["admin"]
    enrol(coordinator)
    strong_login(client, admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    response = _reset_in_admin(client, coordinator)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    event = AuditEvent.objects.get(action=actions.SECOND_FACTOR_RESET.code)
    assert event.actor == admin and event.object_ref == str(coordinator.pk)
    # The user enrols again at the next login.
    response = weak(client, coordinator).get(DASHBOARD)
    assert urlsplit(response["Location"]).path == ENROL


@pytest.mark.parametrize("persona", ["coordinator", "network", "peer"])
def test_no_one_but_the_administrator_can_reset_a_second_factor(client, world, persona):
    victim = world.users["manager"]
    enrol(victim)
    strong_login(client, world.users[persona])
    changelist = reverse("admin:accounts_user_changelist")
    assert client.get(changelist).status_code == 302  # to the admin's login
    assert _reset_in_admin(client, victim).status_code == 302
    assert TOTPDevice.objects.filter(user=victim).exists()
    assert not AuditEvent.objects.filter(action=actions.SECOND_FACTOR_RESET.code).exists()
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(victim, world.users[persona])


def test_the_devices_are_not_in_the_admin_where_their_secrets_would_show(client, world):
    strong_login(client, world.users["admin"])
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_a_reset_makes_the_sessions_the_old_app_verified_weak_again(client, world):
    coordinator, admin = world.users["coordinator"], world.users["admin"]
    device, _codes = enrol(coordinator)
    weak(client, coordinator)
    verify(client, code_for(device.key, steps_ahead=1))
    assert client.get(DASHBOARD).status_code == 200
    assert DEVICE_ID_SESSION_KEY in client.session
    services.second_factor_reset(coordinator, admin)
    # The phone is gone: the session it proved is sent to enrol a new app.
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == ENROL
