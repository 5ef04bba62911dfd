"""Per-address limits on HTML forms, counted in Redis (the default cache).

A fixed window per (scope, address): the first attempt creates a counter that expires
with the window, each attempt increments it atomically (Redis INCR), and attempts past
the limit are refused until the counter expires. The default cache never hides an
outage, so with Redis down the form answers 503 instead of running unlimited.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_parse(rate: str) -> tuple[int, int]:
    """``"10/hour"`` -> ``(10, 3600)``: DRF's rate format ("N/second|minute|hour|day")."""
    count, _, period = rate.partition("/")
    try:
        return int(count), PERIODS[period.strip()[:1].lower()]
    except (KeyError, ValueError):
        raise ValueError(
            f"{rate!r} is not a rate; write N/second, N/minute, N/hour or N/day"
        ) from None


def rate_limit_spend(*, scope: str, ident: str, rate: str | None) -> int:
    """Count one attempt of ``ident`` at ``scope``; return 0 when it is allowed, else
    the seconds until the window ends. ``rate`` None or empty means no limit."""
    if not rate:
        return 0
    limit, window = rate_parse(rate)
    cache: Any = caches["default"]  # django-redis's RedisCache (ttl): untyped
    key = f"ratelimit:{scope}:{ident}"
    for _attempt in range(2):
        # add() sets the counter and its expiry only when the window is new.
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
            break
        except ValueError:  # the window ended between add() and incr()
            continue
    else:
        count = 1
    if count <= limit:
        return 0
    left = cache.ttl(key)
    return left if left and left > 0 else window
