"""The personal-data guard: the one check every free-text field passes through.

It finds Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer) with a valid check digit, phone numbers and e-mail addresses.
Patients are counted, never named (DESIGN.md privacy rule 1), so text that holds one
of these is refused with a message that says what to remove and where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    PERSONAL_NUMBER = "personnummer"
    COORDINATION_NUMBER = "samordningsnummer"
    PHONE = "phone"
    EMAIL = "email"


KIND_LABELS = {
    Kind.PERSONAL_NUMBER: _("a personal identity number"),
    Kind.COORDINATION_NUMBER: _("a coordination number"),
    Kind.PHONE: _("a phone number"),
    Kind.EMAIL: _("an e-mail address"),
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int


# YYMMDD or YYYYMMDD, then an optional '-', '+' or space, then NNNC. Digits on either
# side mean it is part of a longer number, not an identity number.
_ID_NUMBER = re.compile(r"(?<!\d)(?P<century>\d{2})?(?P<date>\d{6})[-+ ]?(?P<tail>\d{4})(?!\d)")
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.[^\W\d_]{2,}",
)
# Swedish numbers start with 0 (07x, 08, 031 …) or +46/0046; foreign ones with + or 00.
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ .,])"  # not the tail of a longer number such as "1 000 000"
    r"(?:(?:\+|00)\d{1,3}[ -]?(?:\(0\)[ -]?)?|0)"  # +46, 0046, or the trunk 0
    r"\d{1,3}(?:[ /-]?\d){5,9}(?!\w)"
)
# Shapes that start with 0 but are not phone numbers: dates written day first
# (01-02-2024, 01.02.2024) and identity-number shapes (YYMMDD-NNNN) whose check digit
# is wrong.
_NOT_A_PHONE = re.compile(r"^(?:\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}|\d{6}[-+]\d{4})$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _id_kind(century: str | None, yymmdd: str, tail: str) -> Kind | None:
    if not luhn_ok(yymmdd + tail):
        return None
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    kind = Kind.PERSONAL_NUMBER
    if day > 60:
        kind, day = Kind.COORDINATION_NUMBER, day - 60
    full_year = int(century) * 100 + year if century else 2000 + year
    if century and century not in {"18", "19", "20"}:
        return None
    try:
        date(full_year, month, day)
    except ValueError:
        # 29 February in a year we guessed the century of: accept if any century fits.
        if not century and month == 2 and day == 29 and year % 4 == 0:
            return kind
        return None
    return kind


def find_personal_data(text: str) -> list[Finding]:
    """Every personal identifier in `text`, in order of position."""
    findings: list[Finding] = []
    for match in _ID_NUMBER.finditer(text):
        kind = _id_kind(match["century"], match["date"], match["tail"])
        if kind is not None:
            findings.append(Finding(kind, match.start(), match.end()))
    for match in _EMAIL.finditer(text):
        findings.append(Finding(Kind.EMAIL, match.start(), match.end()))
    taken = [(f.start, f.end) for f in findings]
    for match in _PHONE.finditer(text):
        if _NOT_A_PHONE.match(match.group()):
            continue
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        findings.append(Finding(Kind.PHONE, match.start(), match.end()))
    return sorted(findings, key=lambda f: f.start)


def describe(text: str, findings: list[Finding]) -> str:
    parts = []
    for finding in findings:
        parts.append(
            _("%(what)s at characters %(start)d–%(end)d (“%(excerpt)s”)")
            % {
                "what": KIND_LABELS[finding.kind],
                "start": finding.start + 1,
                "end": finding.end,
                "excerpt": _mask(text[finding.start : finding.end]),
            }
        )
    return "; ".join(parts)


def _mask(value: str) -> str:
    """Show enough of a finding to locate it, not enough to repeat it back in full."""
    if len(value) <= 4:
        return value
    return value[:2] + "…" + value[-2:]


@deconstructible
class NoPersonalData:
    """Validator for free-text fields: refuses text holding personal identifiers."""

    code = "personal_data"

    def __call__(self, value: object) -> None:
        if not value:
            return
        text = str(value)
        findings = find_personal_data(text)
        if findings:
            raise ValidationError(
                _(
                    "Remove personal data before saving: the text contains %(found)s. "
                    "Peerstöd never stores who a patient is or how to reach anyone."
                ),
                code=self.code,
                params={"found": describe(text, findings)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoPersonalData)

    def __hash__(self) -> int:
        return hash(self.code)


no_personal_data = NoPersonalData()
