"""Sessions in memcached (Django's PyMemcacheCache), apart from the app servers."""

from __future__ import annotations

from typing import Any

from accounts.sessions.base import SessionIndex, SessionStrategy, StrategyContext


class MemcachedStrategy(SessionStrategy):
    name = "memcached"
    summary = "Sessions in memcached (MEMCACHED_LOCATION), apart from the app servers."

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        timeout = context.redis_options.get("SOCKET_TIMEOUT", 1.0)
        location = context.env.get("MEMCACHED_LOCATION") or "127.0.0.1:11211"
        return {
            "SESSION_ENGINE": "accounts.sessions.backends.cache",
            "SESSION_CACHE_ALIAS": "sessions",
            "CACHES": {
                "sessions": {
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
                }
            },
        }

    def index(self) -> SessionIndex:
        from accounts.sessions.indexes.cache import CacheSessionIndex

        return CacheSessionIndex("sessions")

    def check(self) -> list[str]:
        from django.conf import settings
        from django.core.cache import caches

        locations = ",".join(settings.CACHES["sessions"]["LOCATION"])
        try:
            caches["sessions"].get("authsite-check")
        except Exception as exc:
            return [f"memcached at {locations} is unreachable: {exc}"]
        return []
