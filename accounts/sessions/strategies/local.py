"""Sessions in each server process's own memory: the baseline for one process only."""

from __future__ import annotations

from typing import Any

from accounts.sessions.base import SessionIndex, SessionStrategy, StrategyContext


class LocalMemoryStrategy(SessionStrategy):
    name = "local"
    summary = (
        "Each server process keeps its own sessions in memory: right for one "
        "process only."
    )
    revocable = False
    revocation_limits = (
        "This site keeps sessions in the memory of each server process. The list "
        "shows only the sessions of the process that answered this page, and "
        "signing out a session here ends it only in that process; sessions held "
        "by other processes can be neither seen nor ended from here. A restart "
        "ends them all."
    )

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        return {
            "SESSION_ENGINE": "accounts.sessions.backends.cache",
            "SESSION_CACHE_ALIAS": "sessions",
            "CACHES": {
                "sessions": {
                    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "authsite-sessions",
                    "OPTIONS": {"MAX_ENTRIES": 100_000},
                }
            },
        }

    def index(self) -> SessionIndex:
        from accounts.sessions.indexes.cache import CacheSessionIndex

        return CacheSessionIndex("sessions")

    def check(self) -> list[str]:
        return []
