"""Opening a call for applications."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation
from peerstod.recruitment import actions
from peerstod.recruitment.models import Call
from peerstod.recruitment.services.steps import _dates_in_range, _once, _require_recruiter


@use_case
def call_create(
    *, scope: Scope, actor, network: Organisation, once: str = "", **fields: Any
) -> Call:
    _require_recruiter(scope, network.pk)

    def make() -> Call:
        call = Call(network=network, **fields)
        call.full_clean()
        _dates_in_range(opens_on=call.opens_on, closes_on=call.closes_on)
        if call.principal.is_network:
            raise ValidationError({"principal": _("Choose a region or municipality.")})
        call.save()
        audit.record(actor=actor, action=actions.CALL_CREATED, obj=call, organisation=network)
        return call

    return _once(
        once,
        purpose="recruitment.call",
        actor=actor,
        organisation=network,
        earlier=lambda code: Call.objects.filter(code=code, network=network).first(),
        make=make,
    )
