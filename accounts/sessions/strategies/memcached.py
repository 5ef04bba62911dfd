"""Sessions in memcached (Django's PyMemcacheCache), apart from the app servers.

This module is also the strategy's SESSION_ENGINE: the strict cache engine, which
answers 503 when memcached is down instead of signing users out.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches

from accounts.sessions.base import (
    SessionIndex,
    SessionStrategy,
    StrategyContext,
    StrategySettings,
)
from accounts.sessions.cache import CacheSessionIndex, StrictCacheSessionStore


class SessionStore(StrictCacheSessionStore):
    """The ``memcached`` strategy's engine."""


class MemcachedStrategy(SessionStrategy):
    name = "memcached"
    summary = "Sessions in memcached (MEMCACHED_LOCATION), apart from the app servers."

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        timeout = context.redis_options.get("SOCKET_TIMEOUT", 1.0)
        location = context.env.get("MEMCACHED_LOCATION") or "127.0.0.1:11211"
        return StrategySettings(
            strategy=self.name,
            session_engine=__name__,
            sessions_cache={
                "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                "LOCATION": [loc.strip() for loc in location.split(",")],
                "KEY_PREFIX": context.key_prefix,
                "OPTIONS": {
                    "connect_timeout": timeout,
                    "timeout": timeout,
                    # pymemcache's default retries answer "not found" while a
                    # server is failing, which would sign users out silently:
                    # fail at once, and try the server again after a second.
                    "retry_attempts": 0,
                    "retry_timeout": 0,
                    "dead_timeout": 1,
                },
            },
        )

    def index(self) -> SessionIndex:
        return CacheSessionIndex("sessions")

    def check(self) -> list[str]:
        locations = ",".join(settings.CACHES["sessions"]["LOCATION"])
        try:
            caches["sessions"].get("authsite-check")
        # Any failure to answer is the problem to report, whatever its type.
        except Exception as exc:
            return [f"memcached at {locations} is unreachable: {exc}"]
        return []
