"""Every session strategy by name: the one place that lists them.

``authsite.settings`` calls ``strategy_settings()`` once with the name from
``AUTHSITE_SESSION_STRATEGY`` and assigns what it returns by name; at run time
``strategy_active()`` returns the entry that the current settings name. Adding a
strategy is one more line here and one module (or sub-package) under ``strategies/``.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from accounts.sessions.base import SessionStrategy, StrategyContext, StrategySettings

DEFAULT_STRATEGY = "redis"

STRATEGIES: dict[str, str] = {
    "redis": "accounts.sessions.strategies.redis.strategy.RedisStrategy",
    "redis-replicated": "accounts.sessions.strategies.redis.strategy.ReplicatedRedisStrategy",
    "redis-sentinel": "accounts.sessions.strategies.redis.strategy.SentinelRedisStrategy",
    "memcached": "accounts.sessions.strategies.memcached.MemcachedStrategy",
    "db": "accounts.sessions.strategies.database.strategy.DatabaseStrategy",
    "cached_db": "accounts.sessions.strategies.database.strategy.CachedDatabaseStrategy",
    "signed_cookies": "accounts.sessions.strategies.signed_cookies.SignedCookiesStrategy",
    "local": "accounts.sessions.strategies.local.LocalMemoryStrategy",
    "jwt": "accounts.sessions.strategies.jwt.strategy.JWTStrategy",
    "redis-cluster": "accounts.sessions.strategies.redis_cluster.strategy.RedisClusterStrategy",
}


def strategy_names() -> list[str]:
    """Every registered strategy name, in the order of the registry."""
    return list(STRATEGIES)


@cache
def strategy_get(name: str) -> SessionStrategy:
    """Return the strategy called ``name``; an unknown name raises with the list of names."""
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


def strategy_settings(name: str, context: StrategyContext) -> StrategySettings:
    """Return the Django settings of strategy ``name`` for the set-up in ``context``."""
    return strategy_get(name).django_settings(context)


def strategy_active() -> SessionStrategy:
    """Return the strategy the current settings name (read at call time)."""
    return strategy_get(settings.AUTHSITE_SESSION_STRATEGY)
