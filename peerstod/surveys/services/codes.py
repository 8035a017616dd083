"""The codes of surveys: a printed slip's one-time code, stored only as a keyed hash,
and the signed one-time token in each answer form."""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from peerstod.core.codes import ALPHABET
from peerstod.surveys.models import AccessCode

CODE_LENGTH = 8
FORM_SALT = "peerstod.surveys.form"
FORM_MAX_AGE = 12 * 3600
CODE_PROBLEM = "code"


def code_digest(code: str) -> str:
    """The keyed hash a slip's code is stored as."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return salted_hmac("peerstod.surveys.code", normalised).hexdigest()


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def slip_codes(count: int, once: str) -> list[str]:
    """Random codes; with the form's one-time key, codes derived from it with the
    server's secret, so that a repeated POST gives the same slips again (their plain
    codes are kept nowhere)."""
    if not once:
        return ["".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]
    codes = []
    for index in range(count):
        digest = salted_hmac("peerstod.surveys.slip", f"{once[:100]}:{index}").digest()
        codes.append("".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:CODE_LENGTH]))
    return codes


def code_problem() -> ValidationError:
    """One message for an unknown and a used code, so that the answer never tells
    whether a code ever existed."""
    return ValidationError(
        _("The code does not work. Check that you typed it as printed on the slip."),
        code=CODE_PROBLEM,
    )


def code_round(code: str) -> AccessCode:
    """The unused code behind what someone typed (see `code_problem`)."""
    found = (
        AccessCode.objects.select_related("round", "unit")
        .filter(digest=code_digest(code), used=False)
        .first()
    )
    if found is None:
        raise code_problem()
    return found


def form_token() -> str:
    """A signed one-time token in each answer form: a second submission of the same form
    (a double tap on the kiosk, a reload) is recognised and not counted again."""
    return signing.dumps(secrets.token_urlsafe(16), salt=FORM_SALT)


def form_nonce(token: str | None) -> str | None:
    """The nonce a form's token was signed with, or None for no valid token."""
    try:
        return signing.loads(token or "", salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None


def nonce_digest(nonce: str) -> str:
    return code_digest(f"form:{nonce}")


def form_digest(token: str | None) -> str | None:
    """The digest an answer form's token is remembered by, or None for no valid token."""
    nonce = form_nonce(token)
    return None if nonce is None else nonce_digest(nonce)
