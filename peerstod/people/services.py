"""People who come in without an application: peer supporters certified before the
network kept its records in Peerstöd."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from peerstod.accounts.scope import scope_for
from peerstod.core import audit
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation
from peerstod.people import actions
from peerstod.people.models import Certification, CertificationKind, Person


@use_case
def earlier_certified_register(
    *,
    actor,
    network: Organisation,
    full_name: str,
    email: str,
    certified_on: date,
    fte_min: int = 50,
    fte_max: int = 100,
    kind: str = CertificationKind.BASIC,
    user=None,
) -> Person:
    """The network coordinator registers a peer supporter the network certified before
    it used Peerstöd: the person and the certificate, checked like any other."""
    if network.pk not in scope_for(actor).coordinated_network_ids():
        raise PermissionDenied
    if Person.objects.filter(network=network, email__iexact=email).exists():
        raise ValidationError(
            {"email": _("A person with this e-mail address is already registered.")}
        )
    person = Person(
        network=network,
        full_name=full_name,
        email=email,
        fte_min=fte_min,
        fte_max=fte_max,
        user=user,
    )
    person.full_clean()
    certification = Certification(person=person, kind=kind, certified_on=certified_on)
    certification.full_clean(exclude=["person"])
    person.save()
    certification.person = person
    certification.save()
    audit.record(
        actor=actor,
        action=actions.EARLIER_CERTIFIED_REGISTERED,
        obj=person,
        organisation=network,
        certified_on=certified_on.isoformat(),
    )
    return person
