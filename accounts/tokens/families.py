"""A sign-in through the API is a chain of refresh tokens, each replacing the last: a
family. Every token of the chain carries the family's id in ``fam`` (the jti of its
first refresh token), so that one write ends the whole sign-in, whichever of its tokens
an attacker holds (RFC 9700 section 4.14.2).

An ended family is the field ``x:<fam>`` of the user's record (accounts.tokens.records),
valued with the time it may be forgotten: the one HGETALL that authenticates a request
reads it along with the user. It is kept for a refresh token's lifetime, so every
token issued in the family before the end has expired when the field goes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings

FAMILY_CLAIM = "fam"
ENDED_PREFIX = "x:"


def family_of(payload: Mapping[str, Any]) -> str:
    """The family of a token's claims. Tokens issued before families existed name
    their sign-in only: an access token in ``sid``, a refresh token in ``jti``."""
    family = payload.get(FAMILY_CLAIM)
    if family is None:
        family = payload.get("sid") if payload.get("token_type") == "access" else None
    return str(family or payload.get("jti") or "")


def ended_fields(*, family: str) -> dict[str, str]:
    """The record field that ends ``family``, with the time it may be forgotten."""
    forget_at = time.time() + settings.JWT_REFRESH_TOKEN_LIFETIME + settings.JWT_LEEWAY
    return {ENDED_PREFIX + family: repr(forget_at)}


def ended_expired(fields: Mapping[str, str], *, now: float) -> list[str]:
    """The ended-family fields of a decoded record that may be forgotten."""
    stale = []
    for name, value in fields.items():
        if name.startswith(ENDED_PREFIX):
            try:
                if float(value) <= now:
                    stale.append(name)
            except ValueError:
                stale.append(name)
    return stale


def family_ended(fields: Mapping[str, str], *, family: str) -> bool:
    """Whether a decoded record says that ``family`` was ended."""
    return bool(family) and ENDED_PREFIX + family in fields
