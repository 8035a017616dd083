"""One way to keep a secret token: only its SHA-256 is stored, the token itself is shown
once (in a link or on a page) and compared by hashing what comes back."""

import hashlib


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
