"""Sessions in each server process's own memory: the baseline for one process only.

This module is also the strategy's SESSION_ENGINE (the strict cache engine on a
local-memory cache).
"""

from __future__ import annotations

from accounts.sessions.base import (
    SessionIndex,
    SessionStrategy,
    StrategyContext,
    StrategySettings,
)
from accounts.sessions.cache import CacheSessionIndex, StrictCacheSessionStore


class SessionStore(StrictCacheSessionStore):
    """The ``local`` strategy's engine."""


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

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        return StrategySettings(
            strategy=self.name,
            session_engine=__name__,
            sessions_cache={
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "authsite-sessions",
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            },
        )

    def index(self) -> SessionIndex:
        return CacheSessionIndex("sessions")

    def check(self) -> list[str]:
        return []
