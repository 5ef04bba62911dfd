"""Sessions in Redis through django-redis: one server, primary and replicas, or Sentinel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from accounts.sessions.base import SessionIndex, SessionStrategy, StrategyContext

SERIALIZER = "accounts.sessions.serializers.CompactSessionSerializer"
REDIS_BACKEND = "django_redis.cache.RedisCache"


def _db_number(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "0"


def _with_db(url: str, db: str) -> str:
    return urlsplit(url)._replace(path=f"/{db}").geturl()


def _redacted(url: str) -> str:
    from accounts.checks import redacted_url

    return redacted_url(url)


class RedisStrategy(SessionStrategy):
    name = "redis"
    summary = "Sessions in Redis, apart from the app servers (django-redis)."
    engine = "accounts.sessions.backends.redis"

    def sessions_cache(self, context: StrategyContext) -> dict[str, Any]:
        return {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": context.redis_sessions_url,
            "KEY_PREFIX": context.key_prefix,
            "OPTIONS": {**context.redis_options, "SERIALIZER": SERIALIZER},
        }

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        return {
            "SESSION_ENGINE": self.engine,
            "SESSION_CACHE_ALIAS": "sessions",
            "CACHES": {"sessions": self.sessions_cache(context)},
        }

    def index(self) -> SessionIndex:
        from accounts.sessions.indexes.redis import RedisSessionIndex

        return RedisSessionIndex("sessions")

    def servers(self) -> list[tuple[str, bool]]:
        """(URL, write?) of every server the sessions alias talks to."""
        from django.conf import settings

        location = settings.CACHES["sessions"]["LOCATION"]
        urls = [location] if isinstance(location, str) else list(location)
        return [(url, index == 0) for index, url in enumerate(urls)]

    def check(self) -> list[str]:
        from django.core.cache import caches

        client = caches["sessions"].client
        problems = []
        for index, (url, _) in enumerate(self.servers()):
            try:
                client.connect(index).ping()
            except Exception as exc:
                problems.append(f"Redis at {_redacted(url)} is unreachable: {exc}")
        return problems


class ReplicatedRedisStrategy(RedisStrategy):
    name = "redis-replicated"
    summary = (
        "Sessions written to the Redis primary (REDIS_URL) and read from this "
        "node's replica (REDIS_REPLICA_URLS)."
    )
    engine = "accounts.sessions.backends.replicated"

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
        return {
            **super().sessions_cache(context),
            "LOCATION": [
                context.redis_sessions_url,
                *(_with_db(url, db) for url in replicas),
            ],
        }

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        django_settings = super().django_settings(context)
        replicas = len(django_settings["CACHES"]["sessions"]["LOCATION"]) - 1
        return {
            **django_settings,
            "AUTHSITE_REDIS_WAIT_REPLICAS": int(
                context.env.get("AUTHSITE_REDIS_WAIT_REPLICAS") or replicas
            ),
            "AUTHSITE_REDIS_WAIT_MS": int(
                context.env.get("AUTHSITE_REDIS_WAIT_MS") or 100
            ),
        }


class SentinelRedisStrategy(RedisStrategy):
    name = "redis-sentinel"
    summary = (
        "Sessions in Redis with automatic failover: Sentinel (REDIS_SENTINELS) "
        "names the current primary of REDIS_SENTINEL_MASTER."
    )
    # Writes wait for a replica: Sentinel promotes the replica that has the most, so a
    # session answered as saved survives the primary's failure.
    engine = "accounts.sessions.backends.replicated"

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
                "SERIALIZER": SERIALIZER,
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": self.sentinels(context),
                "SENTINEL_KWARGS": {
                    "socket_timeout": timeout,
                    "socket_connect_timeout": timeout,
                },
            },
        }

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        return {
            **super().django_settings(context),
            # One is enough: WAIT covers the replica Sentinel would promote (the one
            # with the most data); asking for all would stall every write for
            # AUTHSITE_REDIS_WAIT_MS while one replica is down.
            "AUTHSITE_REDIS_WAIT_REPLICAS": int(
                context.env.get("AUTHSITE_REDIS_WAIT_REPLICAS") or 1
            ),
            "AUTHSITE_REDIS_WAIT_MS": int(
                context.env.get("AUTHSITE_REDIS_WAIT_MS") or 100
            ),
        }

    def check(self) -> list[str]:
        from django.conf import settings
        from django.core.cache import caches

        options = settings.CACHES["sessions"]["OPTIONS"]
        try:
            caches["sessions"].client.get_client(write=True).ping()
        except Exception as exc:
            sentinels = ",".join(
                f"{host}:{port}" for host, port in options["SENTINELS"]
            )
            return [f"Redis via Sentinels {sentinels} is unreachable: {exc}"]
        return []
