"""Every session strategy by name: the one place that lists them.

``authsite/settings.py`` calls ``strategy_settings()`` once with the name from
``AUTHSITE_SESSION_STRATEGY``; at run time ``strategy_active()`` returns the entry that
the current settings name. Adding a strategy is one more line here and one module.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from accounts.sessions.base import SessionStrategy, StrategyContext

DEFAULT_STRATEGY = "redis"

STRATEGIES: dict[str, str] = {
    "redis": "accounts.sessions.strategies.redis.RedisStrategy",
    "redis-replicated": "accounts.sessions.strategies.redis.ReplicatedRedisStrategy",
    "redis-sentinel": "accounts.sessions.strategies.redis.SentinelRedisStrategy",
    "memcached": "accounts.sessions.strategies.memcached.MemcachedStrategy",
    "db": "accounts.sessions.strategies.database.DatabaseStrategy",
    "cached_db": "accounts.sessions.strategies.database.CachedDatabaseStrategy",
    "signed_cookies": "accounts.sessions.strategies.cookies.SignedCookiesStrategy",
    "local": "accounts.sessions.strategies.local.LocalMemoryStrategy",
    "jwt": "accounts.sessions.strategies.jwt.strategy.JWTStrategy",
}


def strategy_names() -> list[str]:
    return list(STRATEGIES)


@cache
def strategy_get(name: str) -> SessionStrategy:
    """The strategy called ``name``; an unknown name raises with the list of names."""
    try:
        path = STRATEGIES[name]
    except KeyError:
        valid = ", ".join(STRATEGIES)
        raise ImproperlyConfigured(
            f"AUTHSITE_SESSION_STRATEGY={name!r} is not a session strategy; "
            f"choose one of: {valid}."
        ) from None
    strategy: SessionStrategy = import_string(path)()
    return strategy


def strategy_settings(name: str, context: StrategyContext) -> dict[str, Any]:
    """The Django settings for strategy ``name``, plus AUTHSITE_SESSION_STRATEGY."""
    return {
        **strategy_get(name).django_settings(context),
        "AUTHSITE_SESSION_STRATEGY": name,
    }


def strategy_active() -> SessionStrategy:
    """The strategy the current settings name (read at call time)."""
    from django.conf import settings

    return strategy_get(settings.AUTHSITE_SESSION_STRATEGY)
