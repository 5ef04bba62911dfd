"""Sessions in the relational database, with or without a Redis cache in front."""

from __future__ import annotations

from typing import Any

from accounts.sessions.base import SessionIndex, SessionStrategy, StrategyContext
from accounts.sessions.strategies.redis import RedisStrategy


class DatabaseStrategy(SessionStrategy):
    name = "db"
    summary = "Sessions in the relational database: one query per request."

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        return {"SESSION_ENGINE": "accounts.sessions.backends.db"}

    def index(self) -> SessionIndex:
        from accounts.sessions.indexes.database import DatabaseSessionIndex

        return DatabaseSessionIndex()

    def check(self) -> list[str]:
        from django.db import connection

        try:
            connection.ensure_connection()
        except Exception as exc:
            return [f"the database is unreachable: {exc}"]
        return []


class CachedDatabaseStrategy(DatabaseStrategy):
    name = "cached_db"
    summary = "Sessions in the database, read through a Redis cache."

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        cache = RedisStrategy().sessions_cache(context)
        # Django's cached_db keeps dicts in the cache: the default pickle serializer.
        cache["OPTIONS"] = dict(context.redis_options)
        return {
            "SESSION_ENGINE": "accounts.sessions.backends.cached_db",
            "SESSION_CACHE_ALIAS": "sessions",
            "CACHES": {"sessions": cache},
        }

    def check(self) -> list[str]:
        return super().check() + RedisStrategy().check()
