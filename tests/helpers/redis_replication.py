"""A Redis primary and replica of one test's own, to put the replica in each state an
operator meets: down, starting, resyncing, lagging behind a stalled link, or fine.

The servers are the test's, so it may stop, re-point and fill them at will; the run's
shared servers (``tests.helpers.servers``) are left alone.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import redis

from authsite.embedded_redis import EmbeddedRedis, free_port

# The primary pings its replicas every 10 s by default, which moves the replication
# offset with no write; a test that compares offsets wants it still.
QUIET_PRIMARY = ["--repl-ping-replica-period", "3600"]


class StallableLink:
    """A TCP relay between a replica and its primary that can hold back what flows.

    While stalled, the replica's link stays up (until repl-timeout, 60 s) but nothing
    the primary writes reaches it: a replica that lags, as one behind a congested
    network does.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                inbound, _ = self.listener.accept()
            except OSError:
                return
            outbound = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [inbound, outbound]
            for source, sink in ((inbound, outbound), (outbound, inbound)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                self.flowing.wait()
                sink.sendall(data)

    def stall(self) -> None:
        self.flowing.clear()

    def close(self) -> None:
        self.flowing.set()
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


class ReplicatedRedis:
    """A primary and one replica (started on demand) for ``redis-replicated``.

    Also answers ``sessions_url_for`` and ``env_for`` as ``tests.helpers.servers.Servers``
    does, so ``tests.helpers.strategies.strategy_apply`` can point the strategy at them.
    """

    def __init__(self, directory: Path, *, check_ms: int = 0) -> None:
        self.directory = directory
        self.check_ms = check_ms
        self.primary = EmbeddedRedis(directory, extra_args=QUIET_PRIMARY)
        self.primary.start()
        self.replica = EmbeddedRedis(directory)
        self.link: StallableLink | None = None

    def client(self, server: EmbeddedRedis) -> redis.Redis:
        return redis.Redis(port=server.port, socket_timeout=5)

    def replica_start(self, *, through_link: bool = False, linked: bool = True) -> None:
        """Start the replica; with ``linked``, wait until its link to the primary is up."""
        port = self.primary.port
        if through_link:
            self.link = StallableLink(port)
            port = self.link.port
        self.replica.extra_args = ["--replicaof", "127.0.0.1", str(port)]
        self.replica.start()
        if linked:
            self.replica_wait_linked()

    def replica_wait_linked(self) -> None:
        client = self.client(self.replica)
        deadline = time.monotonic() + 20
        while client.info("replication")["master_link_status"] != "up":
            if time.monotonic() > deadline:
                raise RuntimeError("the Redis replica did not link to its primary")
            time.sleep(0.02)
        client.close()

    def full_syncs_hold(self) -> None:
        """Make every full sync from now on wait an hour before the primary sends data.

        Redis delays a diskless full sync to serve more replicas at once (5 s by
        default): this is the window in which a starting replica is not yet linked.
        """
        client = self.client(self.primary)
        client.config_set("repl-diskless-sync", "yes")
        client.config_set("repl-diskless-sync-delay", 3600)
        client.close()

    def replica_point_at(self, port: int) -> None:
        client = self.client(self.replica)
        client.replicaof("127.0.0.1", port)
        client.close()

    def backlog_overrun(self) -> None:
        """Write more than the primary's replication backlog holds (in database 0).

        A replica away while this happened cannot catch up on what it missed: it
        needs a full resync when it comes back.
        """
        client = self.client(self.primary)
        size = int(client.config_get("repl-backlog-size")["repl-backlog-size"])
        client.set("authsite-test-backlog-filler", b"x" * (size + 1024))
        client.close()

    def commands(self, server: EmbeddedRedis, name: str) -> int:
        """How many times ``server`` has run the command ``name`` (INFO commandstats)."""
        client = self.client(server)
        stats = client.info("commandstats").get(f"cmdstat_{name}", {})
        client.close()
        return int(stats.get("calls", 0))

    def stop(self) -> None:
        self.replica.stop()
        if self.link is not None:
            self.link.close()
        self.primary.stop()

    def dead_port(self) -> int:
        return free_port()

    # --- what tests.helpers.strategies.strategy_apply asks --------------------------------

    def sessions_url_for(self, strategy: str) -> str:
        return self.primary.url[:-1] + "1"

    def env_for(self, strategy: str) -> dict[str, str]:
        return {
            "REDIS_REPLICA_URLS": self.replica.url,
            # Short: while a replica cannot acknowledge, each write waits this long.
            "AUTHSITE_REDIS_WAIT_MS": "50",
            "AUTHSITE_REDIS_REPLICA_CHECK_MS": str(self.check_ms),
        }
