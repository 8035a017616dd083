"""Creating users and granting roles."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from peerstod.accounts.models import Membership, User
from peerstod.core import audit
from peerstod.orgs.models import Organisation, Unit


def user_create(
    *, email: str, full_name: str, password: str | None = None, actor=None, validate: bool = True
) -> User:
    user = User(email=email, full_name=full_name)
    user.full_clean(exclude=["password"])
    if password is not None and validate:
        validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        audit.record(actor=actor, action="accounts.user.created", obj=user)
    return user


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
        valid_from=valid_from or date.today(),
        valid_to=valid_to,
    )
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        audit.record(
            actor=actor,
            action="accounts.membership.granted",
            obj=membership,
            organisation=organisation,
            role=role,
            user=user.email,
        )
    return membership
