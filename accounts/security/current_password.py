"""Wrong current passwords, counted per user: whoever holds a session or a token must
not be able to guess the password behind it without limit.

Apart from the sign-in lockout on purpose: a thief holding a session who types wrong
passwords here must not lock the owner out of signing in. The limit and cool-off are
the sign-in lockout's (AUTHSITE_LOGIN_FAILURE_LIMIT, AUTHSITE_LOGIN_COOLOFF), counted
in Redis (the default cache): the first failure opens a window of the cool-off, and
from the limit on every check is refused until the window ends.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches


class CurrentPasswordWrong(Exception):
    """The current password given is not the user's."""


class CurrentPasswordLocked(Exception):
    """Too many wrong current passwords: refused, without checking, for ``wait`` s."""

    def __init__(self, *, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def _key(user_id: int) -> str:
    return f"current-password:{user_id}"


def _cache() -> Any:
    return caches["default"]  # django-redis's RedisCache (ttl): untyped


def failures_wait(*, user_id: int) -> int:
    """Seconds the user's checks stay refused (0: not locked)."""
    cache = _cache()
    if (cache.get(_key(user_id)) or 0) < settings.AXES_FAILURE_LIMIT:
        return 0
    left = cache.ttl(_key(user_id))
    return (
        left if left and left > 0 else int(settings.AXES_COOLOFF_TIME.total_seconds())
    )


def failure_count(*, user_id: int) -> int:
    """Count one wrong current password; return how many the window holds now."""
    cache = _cache()
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(_key(user_id), 0, timeout=window)
    try:
        return int(cache.incr(_key(user_id)))
    except ValueError:  # the window ended between add() and incr()
        cache.add(_key(user_id), 1, timeout=window)
        return 1


def failures_clear(*, user_id: int) -> None:
    _cache().delete(_key(user_id))
