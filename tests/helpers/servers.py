"""Extra real servers some session strategies need, started once per test run.

Each starts on first use and is stopped at the end of the run (``Servers.stop``):
a Redis primary with one replica and one Sentinel watching it (``redis-replicated``,
``redis-sentinel``), a memcached (``memcached``) and a Redis Cluster of 3 primaries
and 3 replicas (``redis-cluster``). They are this run's own, so the
tests may flush them.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from authsite.embedded_redis import EmbeddedRedis, free_port, port_open
from tests.helpers.redis_cluster import RedisClusterServers

MEMCACHED = shutil.which("memcached") or "/usr/bin/memcached"
SENTINEL_MASTER = "authsite-test"


class Memcached:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def location(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        self.process = subprocess.Popen(
            [MEMCACHED, "-l", "127.0.0.1", "-p", str(self.port), "-U", "0",
             "-m", "64", "-u", "nobody"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not port_open("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"memcached did not start on port {self.port}")
            time.sleep(0.02)

    def flush(self) -> None:
        from pymemcache.client.base import Client

        client = Client(("127.0.0.1", self.port))
        try:
            client.flush_all()
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Servers:
    """The run's extra servers, each started on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.primary: EmbeddedRedis | None = None
        self.replica: EmbeddedRedis | None = None
        self.sentinel: EmbeddedRedis | None = None
        self.memcached: Memcached | None = None
        self.cluster: RedisClusterServers | None = None

    def redis_primary(self) -> EmbeddedRedis:
        if self.primary is None:
            self.primary = EmbeddedRedis(self.directory)
            self.primary.start()
        return self.primary

    def redis_replica(self) -> EmbeddedRedis:
        if self.replica is None:
            primary = self.redis_primary()
            self.replica = EmbeddedRedis(
                self.directory,
                extra_args=["--replicaof", "127.0.0.1", str(primary.port)],
            )
            self.replica.start()
            client = redis.Redis(port=self.replica.port)
            deadline = time.monotonic() + 10
            while client.info("replication").get("master_link_status") != "up":
                if time.monotonic() > deadline:
                    raise RuntimeError("the Redis replica did not sync")
                time.sleep(0.05)
            client.close()
        return self.replica

    def redis_sentinel(self) -> EmbeddedRedis:
        if self.sentinel is None:
            primary = self.redis_primary()
            self.sentinel = EmbeddedRedis(
                self.directory,
                sentinel_config=(
                    f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {primary.port} 1\n"
                    f"sentinel down-after-milliseconds {SENTINEL_MASTER} 60000\n"
                ),
            )
            self.sentinel.start()
        return self.sentinel

    def memcached_server(self) -> Memcached:
        if self.memcached is None:
            self.memcached = Memcached()
            self.memcached.start()
        return self.memcached

    def redis_cluster(self) -> RedisClusterServers:
        if self.cluster is None:
            self.cluster = RedisClusterServers(self.directory / "cluster")
            self.cluster.start()
        return self.cluster

    def flush(self) -> None:
        """Empty the servers started here (never the run's shared Redis)."""
        if self.primary is not None:
            client = redis.Redis(port=self.primary.port)
            client.flushall()
            if self.replica is not None:
                client.wait(1, 1000)
            client.close()
        if self.memcached is not None:
            self.memcached.flush()
        if self.cluster is not None:
            self.cluster.flush()

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()
        for server in (self.sentinel, self.replica, self.primary, self.memcached):
            if server is not None:
                server.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def env_for(self, strategy: str) -> dict[str, str]:
        """The environment variables a strategy reads, pointing at the servers here."""
        if strategy == "redis-replicated":
            replica = self.redis_replica()
            # A loaded CI machine may need more than the default 100 ms to replicate.
            return {"REDIS_REPLICA_URLS": replica.url, "AUTHSITE_REDIS_WAIT_MS": "2000"}
        if strategy == "memcached":
            return {"MEMCACHED_LOCATION": self.memcached_server().location}
        if strategy == "redis-sentinel":
            sentinel = self.redis_sentinel()
            self.redis_replica()
            return {
                "REDIS_SENTINELS": f"127.0.0.1:{sentinel.port}",
                "REDIS_SENTINEL_MASTER": SENTINEL_MASTER,
            }
        if strategy == "redis-cluster":
            return {
                "REDIS_CLUSTER_NODES": self.redis_cluster().location,
                "AUTHSITE_REDIS_WAIT_MS": "2000",
            }
        return {}

    def sessions_url_for(self, strategy: str) -> str | None:
        """The Redis URL a strategy's sessions go to when it is not the run's Redis."""
        if strategy in {"redis-replicated", "redis-sentinel"}:
            return self.redis_primary().url[:-1] + "1"
        return None
