"""Instruments: those shipped with Peerstöd, installed after every migrate, and those an
organisation imports from YAML."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.utils.translation import gettext as _

from peerstod.accounts.scope import Scope
from peerstod.core import audit, idempotency
from peerstod.core.privacy import no_personal_data
from peerstod.core.usecase import use_case
from peerstod.orgs.models import Organisation
from peerstod.surveys import actions
from peerstod.surveys import instrument as definition
from peerstod.surveys.models import Instrument, LicenceKind
from peerstod.surveys.services.access import require_coordinator

SHIPPED = Path(__file__).resolve().parent.parent / "instruments"


@use_case
def install_shipped() -> int:
    """Load the instruments that come with Peerstöd; idempotent. Returns how many were new.

    Runs after every migrate (apps.py), without a user: the audit row, written only when
    an instrument was added, has no actor."""
    added = []
    for path in sorted(SHIPPED.glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        parsed = definition.load(source)
        _instrument, created = Instrument.objects.get_or_create(
            organisation=None,
            key=parsed.key,
            version=parsed.version,
            defaults={
                "title": parsed.title[parsed.languages[0]],
                "licence_kind": parsed.licence["kind"],
                "source": source,
            },
        )
        if created:
            added.append(f"{parsed.key}:{parsed.version}")
    if added:
        audit.record(actor=None, action=actions.INSTRUMENTS_INSTALLED, instruments=added)
    return len(added)


@use_case
def instrument_import(
    *,
    scope: Scope,
    actor,
    organisation: Organisation,
    source: bytes,
    rights_confirmed: bool,
    once: str = "",
) -> Instrument:
    """An organisation loads an instrument it has the right to use. A malformed file is
    rejected with the line and field at fault; an existing key and version is refused.
    The same form sent twice loads it once and gives back what the first one loaded."""
    require_coordinator(scope, organisation.pk)
    fresh, earlier = idempotency.claim(once, purpose="surveys.instrument")
    if not fresh:
        return Instrument.objects.get(pk=int(earlier), organisation=organisation)
    try:
        parsed = definition.load(source)
    except definition.DefinitionError as error:
        raise ValidationError({"file": str(error)}) from error
    try:  # question texts and citations are free text like any other
        no_personal_data(source.decode("utf-8"))
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    if parsed.licence["kind"] != LicenceKind.FREE and not rights_confirmed:
        raise ValidationError(
            {"rights_confirmed": _("Confirm that your organisation may use this instrument.")}
        )
    exists = Instrument.objects.filter(key=parsed.key, version=parsed.version).filter(
        Q(organisation=organisation) | Q(organisation__isnull=True)
    )
    if exists.exists():
        raise ValidationError(
            {
                "file": _(
                    "Version %(version)s of %(key)s is already loaded. Give a changed "
                    "instrument a new version number."
                )
                % {"version": parsed.version, "key": parsed.key}
            }
        )
    instrument = Instrument(
        organisation=organisation,
        key=parsed.key,
        version=parsed.version,
        title=parsed.title[parsed.languages[0]],
        licence_kind=parsed.licence["kind"],
        source=source.decode("utf-8"),
        rights_confirmed_by=actor,
    )
    instrument.full_clean()
    try:
        instrument.save()
    except IntegrityError as error:  # the same version loaded at the same moment
        raise ValidationError(
            {"file": _("This version of the instrument is already loaded.")}
        ) from error
    audit.record(
        actor=actor,
        action=actions.INSTRUMENT_IMPORTED,
        obj=instrument,
        organisation=organisation,
        key=parsed.key,
        version=parsed.version,
    )
    idempotency.remember(once, purpose="surveys.instrument", result=str(instrument.pk))
    return instrument
