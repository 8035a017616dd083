"""Opaque codes for URLs: an object's URL never reveals its database id or how many exist."""

import secrets

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
