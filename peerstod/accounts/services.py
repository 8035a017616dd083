"""Creating users, granting roles and ending them. Every membership changes here."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerstod.accounts import actions, selectors, strength
from peerstod.accounts.models import Membership, SecondFactorLock, User
from peerstod.core import audit
from peerstod.core.periods import not_ended
from peerstod.core.usecase import use_case
from peerstod.notifications.mail import mail_queue
from peerstod.orgs.models import Organisation, Unit


@use_case
def user_create(
    *, email: str, full_name: str, password: str | None = None, actor=None, validate: bool = True
) -> User:
    user = User(email=email, full_name=full_name)
    user.full_clean(exclude=["password"])
    if password is not None and validate:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor=actor, action=actions.USER_CREATED, obj=user)
    return user


@use_case
def platform_admin_grant(*, user: User, actor=None) -> User:
    """The user administers the whole platform (and may use the admin site)."""
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    audit.record(actor=actor, action=actions.PLATFORM_ADMIN_GRANTED, obj=user)
    return user


@use_case
def user_logged_in(*, user: User) -> None:
    """The login itself: the time of the last login, and the audit row."""
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    audit.record(actor=user, action=actions.USER_LOGGED_IN, obj=user)


@use_case
def password_set(*, user: User, password: str, actor=None) -> User:
    """A new password, from the change form or a reset link (already validated)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor or user, action=actions.PASSWORD_CHANGED, obj=user)
    return user


@use_case
def password_reset_mail(*, user: User, subject: str, body: str) -> None:
    mail_queue(to=[user.email], subject=subject, body=body)
    audit.record(actor=None, action=actions.PASSWORD_RESET_SENT, obj=user)


@use_case
def password_reset_unknown_mail(*, email: str, subject: str, body: str) -> None:
    """An address without an (active) account gets a mail too, saying so: the same work
    as for an account, and the page cannot tell the two apart. The audit row does not
    keep the address: it may belong to someone who is no user."""
    mail_queue(to=[email], subject=subject, body=body)
    audit.record(actor=None, action=actions.PASSWORD_RESET_UNKNOWN)


@use_case
def membership_grant(
    *,
    user: User,
    role: str,
    organisation: Organisation,
    unit: Unit | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    actor=None,
) -> Membership:
    membership = Membership(
        user=user,
        role=role,
        organisation=organisation,
        unit=unit,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
    )
    membership.full_clean()
    membership.save()
    audit.record(
        actor=actor,
        action=actions.MEMBERSHIP_GRANTED,
        obj=membership,
        organisation=organisation,
        role=role,
        user=user.email,
    )
    return membership


@use_case
def membership_end(
    *,
    user: User,
    role: str,
    unit: Unit | None = None,
    organisation=None,
    last_day: date,
    actor=None,
) -> int:
    """Access through this role (on this unit or organisation) ends after `last_day`,
    whatever end date the memberships had: later ends are brought forward, and a
    membership that would only start after that day is ended before it begins."""
    found = Membership.objects.select_for_update().filter(user=user, role=role)
    if unit is not None:
        found = found.filter(unit=unit)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    found = found.filter(not_ended(last_day + timedelta(days=1)))
    ended = 0
    for membership in found:
        audit.record(
            actor=actor,
            action=actions.MEMBERSHIP_ENDED,
            obj=membership,
            organisation=membership.organisation,
            role=role,
            user=user.email,
            last_day=last_day.isoformat(),
        )
        if membership.valid_from > last_day:
            membership.delete()  # it would only have begun after the role ended
        else:
            membership.valid_to = last_day
            membership.save(update_fields=["valid_to"])
        ended += 1
    return ended


# The second factor (TOTP and recovery codes, django-otp) ------------------------------

_TOTP_CODE = re.compile(r"[0-9]{6}")
_KEY = re.compile(r"[0-9a-f]{40}")


def normalise_code(code: str) -> str:
    """What the person typed, as compared: no spaces or dashes, lower case."""
    return re.sub(r"[\s-]", "", code).lower()


def _recovery_codes(user: User) -> list[str]:
    """New recovery codes; the old ones (if any) stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(settings.SECOND_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@use_case
def second_factor_enrol(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn on two-step verification with an authenticator app: `key` is the secret the
    enrolment page showed (hex), `code` the app's first code. Returns the device and the
    recovery codes, shown once."""
    if strength.has_second_factor(user):
        raise ValidationError({"code": _("Two-step verification is already on for this account.")})
    code = normalise_code(code)
    if not _KEY.fullmatch(key):
        raise ValidationError({"code": _("The enrolment has expired. Start again.")})
    if not _TOTP_CODE.fullmatch(code):
        raise ValidationError({"code": _("Write the six digits the app shows.")})
    device = TOTPDevice(user=user, name="app", key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        raise ValidationError(
            {
                "code": _(
                    "The code does not match. Check that the clock of the phone is right, "
                    "and type the code the app shows now."
                )
            }
        )
    # The code just used cannot be used again (django-otp verifies later steps only).
    device.last_t = totp.t()
    device.drift = totp.drift
    device.last_used_at = timezone.now()
    TOTPDevice.objects.filter(user=user).delete()  # unconfirmed leftovers
    device.save()
    codes = _recovery_codes(user)
    SecondFactorLock.objects.filter(user=user).delete()
    audit.record(actor=user, action=actions.SECOND_FACTOR_ENROLLED, obj=user)
    return device, codes


@use_case
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for the user; the old ones stop working."""
    if not strength.has_second_factor(user):
        raise ValidationError(_("Turn on two-step verification first."))
    codes = _recovery_codes(user)
    audit.record(actor=user, action=actions.RECOVERY_CODES_REGENERATED, obj=user)
    return codes


@dataclass
class Verification:
    """What came of a code: `device` and `method` when it was accepted."""

    device: Device | None = None
    method: str | None = None
    failures: int = 0
    throttled: bool = False
    locked_until: datetime | None = None
    codes_left: int | None = None

    @property
    def ok(self) -> bool:
        return self.device is not None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


@use_case
def second_factor_verify(*, user: User, code: str) -> Verification:
    """Check a code from the app or a recovery code. Every wrong code is audited and
    counted; `SECOND_FACTOR_FAILURE_LIMIT` wrong codes in a row refuse the account's
    second factor for `AXES_COOLOFF_TIME` (the caller then logs the session out). A code
    tried while django-otp's throttle makes the device wait counts as a wrong one."""
    lock = SecondFactorLock.objects.select_for_update().filter(user=user).first()
    if lock is not None and lock.is_locked():
        return Verification(locked_until=lock.locked_until)
    code = normalise_code(code)
    device: TOTPDevice | StaticDevice | None
    if _TOTP_CODE.fullmatch(code):
        method = strength.TOTP
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    else:
        method = strength.RECOVERY_CODE
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    throttled, accepted = False, False
    if device is not None:
        allowed, _detail = device.verify_is_allowed()
        throttled = not allowed
        accepted = allowed and device.verify_token(code)
    if accepted:
        if lock is not None and (lock.failures or lock.locked_until):
            lock.failures, lock.locked_until = 0, None
            lock.save(update_fields=["failures", "locked_until"])
        if method == strength.TOTP:
            audit.record(actor=user, action=actions.SECOND_FACTOR_VERIFIED, obj=user)
            return Verification(device=device, method=method)
        left = selectors.recovery_codes_left(user)
        audit.record(actor=user, action=actions.RECOVERY_CODE_USED, obj=user, codes_left=left)
        return Verification(device=device, method=method, codes_left=left)
    if lock is None:
        lock = SecondFactorLock(user=user)
    lock.failures += 1
    failures = lock.failures
    audit.record(
        actor=user,
        action=actions.SECOND_FACTOR_FAILED,
        obj=user,
        kind=method,
        failures=failures,
        throttled=throttled,
    )
    if failures >= settings.SECOND_FACTOR_FAILURE_LIMIT:
        lock.failures = 0
        lock.locked_until = timezone.now() + settings.AXES_COOLOFF_TIME
        lock.save()
        audit.record(
            actor=user,
            action=actions.SECOND_FACTOR_LOCKED,
            obj=user,
            until=lock.locked_until.isoformat(),
        )
        return Verification(failures=failures, locked_until=lock.locked_until)
    lock.save()
    return Verification(failures=failures, throttled=throttled)


@use_case
def second_factor_reset(user: User, actor: User) -> int:
    """The platform administrator removes the user's app and recovery codes (a lost
    phone): the user enrols again at the next login. Returns the devices removed."""
    if not (getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False)):
        raise PermissionDenied
    removed = TOTPDevice.objects.filter(user=user).count()
    removed += StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    SecondFactorLock.objects.filter(user=user).delete()
    audit.record(actor=actor, action=actions.SECOND_FACTOR_RESET, obj=user, devices=removed)
    return removed
