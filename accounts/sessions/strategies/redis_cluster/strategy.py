"""Sessions on a Redis Cluster (``REDIS_CLUSTER_NODES``), sharded by user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from accounts.sessions.base import (
    SessionIndex,
    SessionStrategy,
    StrategyContext,
    StrategySettings,
)

CODEC = "accounts.sessions.codec.CompactSessionCodec"
PACKAGE = "accounts.sessions.strategies.redis_cluster"
TRUE = {"1", "true", "yes", "on"}


def cluster_nodes(context: StrategyContext) -> str:
    """REDIS_CLUSTER_NODES as "host:port,host:port"; refuses an entry without a port."""
    entries = [
        entry.strip()
        for entry in context.env.get("REDIS_CLUSTER_NODES", "").split(",")
        if entry.strip()
    ]
    if not entries:
        raise ImproperlyConfigured(
            "AUTHSITE_SESSION_STRATEGY=redis-cluster needs REDIS_CLUSTER_NODES "
            "(comma-separated host:port of any nodes of the cluster)."
        )
    for entry in entries:
        host, _, port = entry.rpartition(":")
        if not host or not port.isdigit():
            raise ImproperlyConfigured(
                f"REDIS_CLUSTER_NODES entry {entry!r} is not host:port."
            )
    return ",".join(entries)


class RedisClusterStrategy(SessionStrategy):
    name = "redis-cluster"
    summary = (
        "Sessions sharded over a Redis Cluster (REDIS_CLUSTER_NODES): each user's "
        "sessions and index in one slot, writes acknowledged by a replica."
    )

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        if "{" in context.key_prefix or "}" in context.key_prefix:
            # The prefix comes first in every key: braces there would become the
            # hash tag of every key and put all sessions in one slot.
            raise ImproperlyConfigured(
                "AUTHSITE_REDIS_KEY_PREFIX must not contain { or } under "
                "AUTHSITE_SESSION_STRATEGY=redis-cluster."
            )
        replicas = context.env.get("REDIS_CLUSTER_READ_FROM_REPLICAS", "")
        return StrategySettings(
            strategy=self.name,
            session_engine=f"{PACKAGE}.engine",
            sessions_cache={
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": cluster_nodes(context),
                "KEY_PREFIX": context.key_prefix,
                "OPTIONS": {
                    **context.redis_options,
                    "CLIENT_CLASS": f"{PACKAGE}.client.ClusterClient",
                    "CONNECTION_FACTORY": f"{PACKAGE}.client.ClusterConnectionFactory",
                    "SERIALIZER": CODEC,
                    "READ_FROM_REPLICAS": replicas.strip().lower() in TRUE,
                },
            },
            # One replica: the one a failover promotes has every acknowledged write.
            redis_wait_replicas=int(
                context.env.get("AUTHSITE_REDIS_WAIT_REPLICAS") or 1
            ),
            redis_wait_ms=int(context.env.get("AUTHSITE_REDIS_WAIT_MS") or 100),
        )

    def index(self) -> SessionIndex:
        from accounts.sessions.strategies.redis_cluster.index import (
            ClusterSessionIndex,
        )

        return ClusterSessionIndex("sessions")

    def check(self) -> list[str]:
        from django.conf import settings

        from accounts.sessions.strategies.redis_cluster.checks import (
            cluster_problems,
        )

        config: dict[str, Any] = dict(settings.CACHES["sessions"])
        timeout = config["OPTIONS"].get("SOCKET_CONNECT_TIMEOUT") or 1.0
        return cluster_problems(config["LOCATION"], timeout=float(timeout))
