"""The recovery-codes factor: ten single-use codes for a user without their app.

Each code is 10 characters from a 32-letter alphabet (50 random bits), shown once when
made and kept only as a salted hash by the site's password hasher (Argon2id): ASVS
V6.5.2 asks for a password hash for secrets of fewer than 112 bits. A used code's hash
is removed, so it works once.
"""

import secrets

from django.contrib.auth.hashers import check_password, make_password

COUNT = 10
# No 0/O or 1/I: codes are read off paper and typed by hand.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 10


def codes_new() -> list[str]:
    """``COUNT`` new codes, as shown to the user (``XXXXX-XXXXX``)."""
    codes = []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def code_normalize(code: str) -> str:
    """The code as hashed: upper case, without spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def code_hash(code: str) -> str:
    return make_password(code_normalize(code))


def code_match(*, code: str, hashes: list[str]) -> str | None:
    """The hash in ``hashes`` that ``code`` matches, or None. A code of the wrong
    shape (an app's 6 digits) is refused before any hashing."""
    normalized = code_normalize(code)
    if len(normalized) != LENGTH or not set(normalized) <= set(_ALPHABET):
        return None
    found = None
    for stored in hashes:
        # Every hash is checked, found or not: the time says nothing of which matched.
        if check_password(normalized, stored) and found is None:
            found = stored
    return found
