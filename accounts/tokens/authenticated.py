"""When an API sign-in last checked its password (or a second factor).

A sign-in through the API is a family of tokens (accounts.tokens.families): the time
is kept per family, so every token refreshed from the one that was re-authenticated
keeps it, and a sign-in that never checked a password since (a stolen refresh token
renewed by someone else included) has none. One Redis key per family, living
AUTHSITE_REAUTH_TIMEOUT seconds: nothing to clean up.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import caches

CACHE_ALIAS = "default"


def _cache() -> Any:
    return caches[CACHE_ALIAS]


def _key(family: str) -> str:
    return f"jwt:authenticated:{family}"


def family_authenticated(*, family: str, at: float | None = None) -> None:
    """Record that sign-in ``family`` checked its password at ``at`` (default now)."""
    if not family:
        return
    timeout = max(1, int(settings.AUTHSITE_REAUTH_TIMEOUT))
    _cache().set(_key(family), at or time.time(), timeout=timeout)


def family_authenticated_at(*, family: str) -> float | None:
    """When sign-in ``family`` last checked its password (None: not recently)."""
    if not family:
        return None
    value = _cache().get(_key(family))
    return float(value) if isinstance(value, int | float) else None
