"""The use case (core.usecase): one transaction, an audit row for every change, side
effects only after commit, and no write during a request outside a use case."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from peerstod.core import audit
from peerstod.core.actions import AUDIT_VIEWED
from peerstod.core.models import AuditEvent
from peerstod.core.usecase import UseCaseError, _guard, on_commit, use_case
from peerstod.orgs import actions as org_actions
from peerstod.orgs.models import Organisation, OrganisationKind


@use_case
def _create_without_audit(name: str) -> Organisation:
    return Organisation.objects.create(name=name, kind=OrganisationKind.REGION)


@use_case
def _create_then_refuse(name: str) -> None:
    Organisation.objects.create(name=name, kind=OrganisationKind.REGION)
    audit.record(actor=None, action=org_actions.ORGANISATION_CREATED)
    raise ValidationError("refused after the write")


@use_case
def _create_with_audit(name: str, effects: list) -> Organisation:
    organisation = Organisation.objects.create(name=name, kind=OrganisationKind.REGION)
    audit.record(actor=None, action=org_actions.ORGANISATION_CREATED, obj=organisation)
    on_commit(lambda: effects.append(name))
    return organisation


@use_case
def _outer(names: list[str]) -> int:
    made = 0
    for name in names:
        try:
            _create_then_refuse(name)
        except ValidationError:
            pass
        else:
            made += 1
    _create_with_audit("Kept", [])
    return made


def test_a_use_case_that_writes_without_an_audit_row_fails_and_keeps_nothing(db):
    with pytest.raises(UseCaseError, match="without an audit row"):
        _create_without_audit("Region Utan Spår")
    assert not Organisation.objects.filter(name="Region Utan Spår").exists()


def test_a_check_that_fails_after_a_write_leaves_nothing_half_saved(db):
    with pytest.raises(ValidationError):
        _create_then_refuse("Region Halv")
    assert not Organisation.objects.filter(name="Region Halv").exists()
    assert not AuditEvent.objects.filter(action="orgs.organisation.created").exists()


def test_a_nested_use_case_that_fails_rolls_back_only_itself(db):
    assert _outer(["A", "B"]) == 0
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Kept"]


@pytest.mark.django_db(transaction=True)
def test_side_effects_run_after_commit_and_not_after_a_rollback():
    effects: list[str] = []
    _create_with_audit("Region Klar", effects)
    assert effects == ["Region Klar"]

    @use_case
    def fails() -> None:
        _create_with_audit("Region Ångrad", effects)
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        fails()
    assert effects == ["Region Klar"]
    assert not Organisation.objects.filter(name="Region Ångrad").exists()


def test_audit_refuses_an_action_given_as_a_string(db):
    with pytest.raises(TypeError, match="declared with core.audit.action"):
        audit.record(actor=None, action="orgs.unit.created")


def test_an_action_cannot_be_declared_twice():
    with pytest.raises(ValueError, match="declared twice"):
        audit.action("core.audit.viewed", "again")


def test_the_write_guard_refuses_a_write_outside_a_use_case_and_allows_one_inside(db):
    with connection.execute_wrapper(_guard):
        with pytest.raises(UseCaseError, match="outside a use case"), transaction.atomic():
            Organisation.objects.create(name="Region Vid Sidan", kind=OrganisationKind.REGION)
        made = _create_with_audit("Region Rätt Väg", [])
    assert made.pk is not None
    assert not Organisation.objects.filter(name="Region Vid Sidan").exists()


def test_reads_outside_a_request_write_one_row_each(db):
    audit.read(actor=None, action=AUDIT_VIEWED)
    assert AuditEvent.objects.filter(action="core.audit.viewed").count() == 1


def test_a_read_must_be_declared_as_one(db):
    with pytest.raises(ValueError, match="not declared as a read"):
        audit.read(actor=None, action=org_actions.UNIT_CREATED)
