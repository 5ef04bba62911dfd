"""Counters of the session stores, read before and after the measured phase.

Redis: ``INFO commandstats`` (calls per command) and ``INFO stats`` (network bytes),
``INFO replication`` (``master_repl_offset``). memcached: ``stats``. The reads' own
traffic is measured by two back-to-back snapshots and subtracted.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import redis

# Commands that are the lab's own reads or Redis housekeeping, not the site's traffic.
HOUSEKEEPING = {"info", "ping", "select", "replconf", "psync", "sync", "config", "client", "command", "hello"}  # fmt: skip
# Commands a replica can only have received from its primary (replicas are read-only).
WRITES = {
    "set", "setex", "psetex", "setnx", "del", "unlink", "expire", "pexpire",
    "expireat", "pexpireat", "persist", "incr", "incrby", "decr", "decrby",
    "hset", "hdel", "hmset", "zadd", "zrem", "zremrangebyscore", "sadd", "srem",
    "multi", "exec", "getdel", "getex", "rename", "eval", "evalsha",
}  # fmt: skip


@dataclass
class StoreCounters:
    commands: int = 0
    bytes: int = 0
    writes: int = 0
    replication_offset: int = 0
    per_command: dict[str, int] = field(default_factory=dict)

    def __sub__(self, other: StoreCounters) -> StoreCounters:
        return StoreCounters(
            commands=self.commands - other.commands,
            bytes=self.bytes - other.bytes,
            writes=self.writes - other.writes,
            replication_offset=self.replication_offset - other.replication_offset,
            per_command={
                name: calls - other.per_command.get(name, 0)
                for name, calls in self.per_command.items()
                if calls - other.per_command.get(name, 0)
            },
        )

    def __add__(self, other: StoreCounters) -> StoreCounters:
        per_command = dict(self.per_command)
        for name, calls in other.per_command.items():
            per_command[name] = per_command.get(name, 0) + calls
        return StoreCounters(
            commands=self.commands + other.commands,
            bytes=self.bytes + other.bytes,
            writes=self.writes + other.writes,
            replication_offset=self.replication_offset + other.replication_offset,
            per_command=per_command,
        )


def redis_counters(*, url: str, replica: bool = False) -> StoreCounters:
    """Counters of one Redis server; for a replica, only what its own clients sent."""
    client = redis.Redis.from_url(url)
    try:
        commandstats = client.info("commandstats")
        stats = client.info("stats")
        replication = client.info("replication")
    finally:
        client.close()
    per_command: dict[str, int] = {}
    for key, value in commandstats.items():
        name = key.removeprefix("cmdstat_").split("|")[0]
        if name in HOUSEKEEPING or (replica and name in WRITES):
            continue
        per_command[name] = per_command.get(name, 0) + int(value["calls"])
    offset = int(replication.get("master_repl_offset", 0))
    traffic = int(stats["total_net_input_bytes"]) + int(stats["total_net_output_bytes"])
    return StoreCounters(
        commands=sum(per_command.values()),
        bytes=traffic,
        writes=sum(calls for name, calls in per_command.items() if name in WRITES),
        replication_offset=0 if replica else offset,
        per_command=per_command,
    )


def keys_count(*, url: str, match: str) -> int:
    """How many keys of one Redis server match ``match`` (SCAN, never KEYS)."""
    client = redis.Redis.from_url(url)
    try:
        return sum(1 for _ in client.scan_iter(match=match, count=1000))
    finally:
        client.close()


def memcached_counters(*, location: str) -> StoreCounters:
    host, port = location.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=2) as sock:
        sock.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    stats = {}
    for line in data.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "STAT":
            stats[parts[1]] = parts[2]

    def stat(name: str) -> int:
        return int(stats.get(name, 0))

    per_command = {
        "get": stat("cmd_get"),
        "set": stat("cmd_set"),
        "touch": stat("cmd_touch"),
        "delete": stat("delete_hits") + stat("delete_misses"),
    }
    return StoreCounters(
        commands=sum(per_command.values()),
        bytes=stat("bytes_read") + stat("bytes_written"),
        writes=per_command["set"] + per_command["touch"] + per_command["delete"],
        per_command=per_command,
    )


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def postgres_table_counters(*, url: str, table: str) -> StoreCounters:
    """Reads (scans) and written rows of one table, from ``pg_stat_user_tables``.

    PostgreSQL 15 publishes a busy backend's counts at most once a second and the rest
    after 10 s of idleness; the caller waits that long before reading (see
    scalelab.DATABASE_STATS_DELAY). Bytes are not known: left at 0.
    """
    import psycopg

    with psycopg.connect(
        url.replace("postgres://", "postgresql://", 1),
        autocommit=True,
        connect_timeout=3,
    ) as connection:
        row = connection.execute(
            "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0),"
            " n_tup_ins, n_tup_upd, n_tup_del"
            " FROM pg_stat_user_tables WHERE relname = %s",
            [table],
        ).fetchone()
    reads, inserted, updated, deleted = row or (0, 0, 0, 0)
    per_command = {
        "select": reads,
        "insert": inserted,
        "update": updated,
        "delete": deleted,
    }
    return StoreCounters(
        commands=sum(per_command.values()),
        writes=inserted + updated + deleted,
        per_command=per_command,
    )
