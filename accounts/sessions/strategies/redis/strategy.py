"""Sessions in Redis through django-redis: one server, primary and replicas, or Sentinel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from accounts.security.redaction import redacted_url
from accounts.sessions.base import (
    SessionIndex,
    SessionStrategy,
    StrategyContext,
    StrategySettings,
)

CODEC = "accounts.sessions.codec.CompactSessionCodec"
REDIS_BACKEND = "django_redis.cache.RedisCache"
REPLICA_READ_CLIENT = "accounts.sessions.strategies.redis.replica.ReplicaReadClient"


def _db_number(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "0"


def _with_db(url: str, db: str) -> str:
    return urlsplit(url)._replace(path=f"/{db}").geturl()


class RedisStrategy(SessionStrategy):
    name = "redis"
    summary = "Sessions in Redis, apart from the app servers (django-redis)."
    engine = "accounts.sessions.strategies.redis.engine"

    def sessions_cache(self, context: StrategyContext) -> dict[str, Any]:
        """CACHES["sessions"]: django-redis on the sessions URL, with the compact codec."""
        return {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": context.redis_sessions_url,
            "KEY_PREFIX": context.key_prefix,
            "OPTIONS": {**context.redis_options, "SERIALIZER": CODEC},
        }

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        return StrategySettings(
            strategy=self.name,
            session_engine=self.engine,
            sessions_cache=self.sessions_cache(context),
        )

    def index(self) -> SessionIndex:
        from accounts.sessions.strategies.redis.index import RedisSessionIndex

        return RedisSessionIndex("sessions")

    def servers(self) -> list[tuple[str, bool]]:
        """(URL, write?) of every server the sessions alias talks to."""
        location = settings.CACHES["sessions"]["LOCATION"]
        urls = [location] if isinstance(location, str) else list(location)
        return [(url, index == 0) for index, url in enumerate(urls)]

    def check(self) -> list[str]:
        cache: Any = caches["sessions"]  # django-redis's RedisCache: untyped
        client = cache.client
        problems = []
        for index, (url, _) in enumerate(self.servers()):
            try:
                client.connect(index).ping()
            # Any failure to answer is the problem to report, whatever its type.
            except Exception as exc:
                problems.append(f"Redis at {redacted_url(url)} is unreachable: {exc}")
        return problems


class ReplicatedRedisStrategy(RedisStrategy):
    name = "redis-replicated"
    summary = (
        "Sessions written to the Redis primary (REDIS_URL) and read from this "
        "node's replica (REDIS_REPLICA_URLS)."
    )
    engine = "accounts.sessions.strategies.redis.replicated"

    def sessions_cache(self, context: StrategyContext) -> dict[str, Any]:
        replicas = [
            url.strip()
            for url in context.env.get("REDIS_REPLICA_URLS", "").split(",")
            if url.strip()
        ]
        if not replicas:
            raise ImproperlyConfigured(
                "AUTHSITE_SESSION_STRATEGY=redis-replicated needs REDIS_REPLICA_URLS "
                "(comma-separated Redis URLs of the replicas to read from)."
            )
        db = _db_number(context.redis_sessions_url)
        cache = super().sessions_cache(context)
        check_ms = context.env.get("AUTHSITE_REDIS_REPLICA_CHECK_MS") or "1000"
        return {
            **cache,
            "LOCATION": [
                context.redis_sessions_url,
                *(_with_db(url, db) for url in replicas),
            ],
            "OPTIONS": {
                **cache["OPTIONS"],
                # Reads go to a replica only while it is linked and caught up.
                "CLIENT_CLASS": REPLICA_READ_CLIENT,
                "REPLICA_CHECK_MS": int(check_ms),
            },
        }

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        cache = self.sessions_cache(context)
        replicas = len(cache["LOCATION"]) - 1
        return StrategySettings(
            strategy=self.name,
            session_engine=self.engine,
            sessions_cache=cache,
            redis_wait_replicas=int(
                context.env.get("AUTHSITE_REDIS_WAIT_REPLICAS") or replicas
            ),
            redis_wait_ms=int(context.env.get("AUTHSITE_REDIS_WAIT_MS") or 100),
        )


class SentinelRedisStrategy(RedisStrategy):
    name = "redis-sentinel"
    summary = (
        "Sessions in Redis with automatic failover: Sentinel (REDIS_SENTINELS) "
        "names the current primary of REDIS_SENTINEL_MASTER."
    )
    # Writes wait for a replica: Sentinel promotes the replica that has the most, so a
    # session answered as saved survives the primary's failure.
    engine = "accounts.sessions.strategies.redis.replicated"

    def sentinels(self, context: StrategyContext) -> list[tuple[str, int]]:
        sentinels = []
        for entry in context.env.get("REDIS_SENTINELS", "").split(","):
            if not entry.strip():
                continue
            host, _, port = entry.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ImproperlyConfigured(
                    f"REDIS_SENTINELS entry {entry.strip()!r} is not host:port."
                )
            sentinels.append((host, int(port)))
        if not sentinels:
            raise ImproperlyConfigured(
                "AUTHSITE_SESSION_STRATEGY=redis-sentinel needs REDIS_SENTINELS "
                "(comma-separated host:port of the Sentinels)."
            )
        return sentinels

    def sessions_cache(self, context: StrategyContext) -> dict[str, Any]:
        master = context.env.get("REDIS_SENTINEL_MASTER") or "mymaster"
        db = _db_number(context.redis_sessions_url)
        timeout = context.redis_options.get("SOCKET_TIMEOUT")
        return {
            **super().sessions_cache(context),
            # Reads go to the primary too: a replica may not have a session written
            # an instant ago, and the next request must see it.
            "LOCATION": [f"redis://{master}/{db}?is_master=1"],
            "OPTIONS": {
                **context.redis_options,
                "SERIALIZER": CODEC,
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": self.sentinels(context),
                "SENTINEL_KWARGS": {
                    "socket_timeout": timeout,
                    "socket_connect_timeout": timeout,
                },
            },
        }

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        return StrategySettings(
            strategy=self.name,
            session_engine=self.engine,
            sessions_cache=self.sessions_cache(context),
            # One is enough: WAIT covers the replica Sentinel would promote (the one
            # with the most data); asking for all would stall every write for
            # AUTHSITE_REDIS_WAIT_MS while one replica is down.
            redis_wait_replicas=int(
                context.env.get("AUTHSITE_REDIS_WAIT_REPLICAS") or 1
            ),
            redis_wait_ms=int(context.env.get("AUTHSITE_REDIS_WAIT_MS") or 100),
        )

    def check(self) -> list[str]:
        options = settings.CACHES["sessions"]["OPTIONS"]
        cache: Any = caches["sessions"]  # django-redis's RedisCache: untyped
        try:
            cache.client.get_client(write=True).ping()
        # Any failure to answer is the problem to report, whatever its type.
        except Exception as exc:
            sentinels = ",".join(
                f"{host}:{port}" for host, port in options["SENTINELS"]
            )
            return [f"Redis via Sentinels {sentinels} is unreachable: {exc}"]
        return []
