"""Creating users, granting roles and ending them. Every membership changes here."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from peerstod.accounts import actions
from peerstod.accounts.models import Membership, User
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
