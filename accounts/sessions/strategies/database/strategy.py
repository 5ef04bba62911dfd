"""Sessions in the relational database, with or without a Redis cache in front."""

from __future__ import annotations

from django.db import DatabaseError, connection

from accounts.sessions.base import (
    SessionIndex,
    SessionStrategy,
    StrategyContext,
    StrategySettings,
)
from accounts.sessions.strategies.redis.strategy import RedisStrategy


class DatabaseStrategy(SessionStrategy):
    name = "db"
    summary = "Sessions in the relational database: one query per request."

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        return StrategySettings(
            strategy=self.name,
            session_engine="accounts.sessions.strategies.database.db",
        )

    def index(self) -> SessionIndex:
        from accounts.sessions.strategies.database.index import DatabaseSessionIndex

        return DatabaseSessionIndex()

    def check(self) -> list[str]:
        try:
            connection.ensure_connection()
        except DatabaseError as exc:
            return [f"the database is unreachable: {exc}"]
        return []


class CachedDatabaseStrategy(DatabaseStrategy):
    name = "cached_db"
    summary = "Sessions in the database, read through a Redis cache."

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        cache = RedisStrategy().sessions_cache(context)
        # Django's cached_db keeps dicts in the cache: the default pickle serializer.
        cache["OPTIONS"] = dict(context.redis_options)
        return StrategySettings(
            strategy=self.name,
            session_engine="accounts.sessions.strategies.database.cached_db",
            sessions_cache=cache,
        )

    def check(self) -> list[str]:
        return super().check() + RedisStrategy().check()
