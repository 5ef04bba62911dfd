"""A Redis primary, two replicas and three Sentinels (quorum 2), all real and our own."""

from __future__ import annotations

import time
from pathlib import Path

import redis
from redis.sentinel import MasterNotFoundError, Sentinel

from authsite.embedded_redis import EmbeddedRedis

MASTER = "authsite-failover"
# Sentinel calls the primary down after a second without an answer; a failover that
# stalls is retried after twice the failover timeout.
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 3000


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.05)


class SentinelCluster:
    """Started by ``start()``, which returns once every Sentinel sees the whole group."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.primary = EmbeddedRedis(directory)
        self.replicas: list[EmbeddedRedis] = []
        self.sentinels: list[EmbeddedRedis] = []
        self._watcher: Sentinel | None = None
        # Servers a test starts later (a primary coming back), stopped with the rest.
        self.extra: list[EmbeddedRedis] = []

    @property
    def servers(self) -> list[EmbeddedRedis]:
        return [self.primary, *self.replicas, *self.sentinels, *self.extra]

    @property
    def sentinel_addresses(self) -> str:
        """REDIS_SENTINELS for the site: ``host:port,...``."""
        return ",".join(f"127.0.0.1:{sentinel.port}" for sentinel in self.sentinels)

    def start(self) -> None:
        self.primary.start()
        for _ in range(2):
            replica = EmbeddedRedis(
                self.directory,
                extra_args=["--replicaof", "127.0.0.1", str(self.primary.port)],
            )
            self.replicas.append(replica)
            replica.start()
        for _ in range(3):
            sentinel = EmbeddedRedis(
                self.directory,
                sentinel_config=(
                    f"sentinel monitor {MASTER} 127.0.0.1 {self.primary.port} 2\n"
                    f"sentinel down-after-milliseconds {MASTER} {DOWN_AFTER_MS}\n"
                    f"sentinel failover-timeout {MASTER} {FAILOVER_TIMEOUT_MS}\n"
                    f"sentinel parallel-syncs {MASTER} 1\n"
                ),
            )
            self.sentinels.append(sentinel)
            sentinel.start()

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Wait until the replicas are in sync and each Sentinel knows all the others.

        A failover needs a quorum of Sentinels that have found each other (they announce
        themselves every 2 s through the primary), and replicas they know of.
        """
        for replica in self.replicas:
            client = redis.Redis(port=replica.port)
            wait_until(
                lambda client=client: (
                    client.info("replication").get("master_link_status") == "up"
                ),
                timeout=timeout,
                what=f"the replica on port {replica.port} to sync",
            )
            client.close()
        for sentinel in self.sentinels:
            client = redis.Redis(port=sentinel.port, decode_responses=True)

            def sees_everyone(client=client) -> bool:
                state = client.sentinel_master(MASTER)
                return (
                    int(state["num-slaves"]) == 2
                    and int(state["num-other-sentinels"]) == 2
                )

            wait_until(
                sees_everyone,
                timeout=timeout,
                what=f"the Sentinel on port {sentinel.port} to see the group",
            )
            client.close()

    def primary_address(self) -> tuple[str, int] | None:
        """The primary as the Sentinels name it now (None while none is healthy)."""
        if self._watcher is None:
            self._watcher = Sentinel(
                [("127.0.0.1", s.port) for s in self.sentinels], socket_timeout=0.5
            )
        try:
            return self._watcher.discover_master(MASTER)
        except MasterNotFoundError:
            return None

    def stop(self) -> None:
        if self._watcher is not None:
            for client in self._watcher.sentinels:
                client.close()
        for server in reversed(self.servers):
            server.stop()
