"""The personal-data guard: the one check every free-text field passes through.

It finds Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer) with a valid check digit, phone numbers and e-mail addresses.
Patients are counted, never named (DESIGN.md privacy rule 1), so text that holds one
of these is refused with a message that says what to remove and where.
"""

from __future__ import annotations

import re
import unicodedata
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


# Text is read as a person wrote it, not as a form would: before looking, it is
# normalised (Unicode NFKC, so full-width digits and ＠ become plain ones; every dash
# becomes "-" and every space " "; zero-width characters and soft hyphens are removed),
# and the patterns allow the separators people use ("850101 - 1236", "85 01 01-1236",
# "070.123.45.67", "(070) 123 45 67", "anna (at) region.se"). Positions are mapped back
# to the original text.
_INVISIBLE = {"\u00ad", "\u180e", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}

# YYMMDD or YYYYMMDD, then an optional separator ('-', '+', '.' or space, with spaces
# around it), then NNNC. Digits on either side mean part of a longer number.
_ID_NUMBER = re.compile(
    r"(?<!\d)(?P<century>\d{2})?(?P<date>\d{6})(?: ?[-+.] ?| )?(?P<tail>\d{4})(?!\d)"
)
# The date written with separators (85 01 01, 1985-01-01) needs '-' or '+' before the
# last four, so a date followed by a time ("2024-01-15 1030") is not read as one.
_ID_SPLIT = re.compile(
    r"(?<!\d)(?P<century>\d{2})?(?P<yy>\d{2})[ .-](?P<mm>\d{2})[ .-](?P<dd>\d{2})"
    r" ?[-+] ?(?P<tail>\d{4})(?!\d)"
)
_AT = r"\s*(?:@|[(\[{]\s*(?:at|snabel-?a)\s*[)\]}])\s*"
_DOT = r"(?:\.|\s*[(\[{]\s*(?:dot|punkt)\s*[)\]}]\s*)"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[^\W\d_]{{2,}}", re.IGNORECASE
)
# A phone number: + or 00 and a country code, or the trunk 0, then digits with the
# separators people type. Not the tail of a longer number such as "1 000 000".
_PHONE = re.compile(r"(?<![\w+])(?<!\d[ .,])(?:\+|\(\s*0|0)[\d ().\-/]{6,24}")
# Shapes that start with 0 but are not phone numbers: dates written day first
# (01-02-2024, 01.02.2024), identity-number shapes (YYMMDD-NNNN) whose check digit
# is wrong, and times or time ranges (08.30, 08.30-09.15).
_NOT_A_PHONE = re.compile(
    r"^(?:\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}|\d{6}[-+]\d{4}"
    r"|\d{1,2}[.:]\d{2}(?: ?- ?\d{1,2}[.:]\d{2})?)$"
)


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as the guard reads it, and for each of its characters the position of
    the character of `text` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        for part in unicodedata.normalize("NFKC", char):
            category = unicodedata.category(part)
            if category == "Pd" or part in "\u2212\u2043":
                part = "-"
            elif category == "Zs" or part in "\t\r\n":
                part = " "
            elif category == "Cf":
                continue
            if part == " " and out and out[-1] == " ":
                continue
            out.append(part)
            origin.append(index)
    return "".join(out), origin


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


def _phone_end(candidate: str) -> int:
    """Where the phone number in `candidate` ends (0: it holds none): the longest run
    ending in a digit whose digits make a plausible number."""
    digits = 0
    best = 0
    international = candidate.startswith("+") or candidate.lstrip("(").startswith("00")
    for index, char in enumerate(candidate):
        if not char.isdigit():
            continue
        digits += 1
        if (8 <= digits <= 10) or (international and 9 <= digits <= 15):
            best = index + 1
    return best


def find_personal_data(text: str) -> list[Finding]:
    """Every personal identifier in `text`, in order of position in `text`."""
    seen, origin = normalise(text)
    found: list[tuple[Kind, int, int]] = []
    for pattern in (_ID_NUMBER, _ID_SPLIT):
        for match in pattern.finditer(seen):
            groups = match.groupdict()
            yymmdd = groups.get("date") or groups["yy"] + groups["mm"] + groups["dd"]
            kind = _id_kind(groups["century"], yymmdd, groups["tail"])
            if kind is not None:
                found.append((kind, match.start(), match.end()))
    for match in _EMAIL.finditer(seen):
        found.append((Kind.EMAIL, match.start(), match.end()))
    taken = [(start, end) for _kind, start, end in found]
    for match in _PHONE.finditer(seen):
        end = _phone_end(match.group())
        if not end:
            continue
        number = match.group()[:end]
        start, stop = match.start(), match.start() + end
        if _NOT_A_PHONE.match(number.strip("()")):
            continue
        if any(start < e and s < stop for s, e in taken):
            continue
        found.append((Kind.PHONE, start, stop))
    findings = {Finding(kind, origin[start], origin[end - 1] + 1) for kind, start, end in found}
    return sorted(findings, key=lambda f: (f.start, f.end))


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
