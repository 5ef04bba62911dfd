"""``scalelab``: one run (a strategy on N nodes behind a balancer) and the matrix of runs."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from django.apps import apps

from lab.runner import strategies as lab
from lab.runner.cluster import Cluster, base_env, cluster_start, sessionstats_run
from lab.runner.database import LabDatabase, database_ready
from lab.runner.load import BROWSER, EQUAL, LoadPlan, LoadTally, load_run
from lab.runner.metrics import StoreCounters, percentile, postgres_table_counters
from lab.runner.processes import LabError, Processes


@dataclass
class RunOptions:
    strategy: str
    nodes: int
    balancer: str = "round-robin"
    users: int = 8
    requests: int = 50
    seconds: float = 30.0
    client: str = BROWSER
    activity: str = EQUAL
    shards: int = lab.SHARDS_DEFAULT
    sessionstats: bool = False


@dataclass
class RunResult:
    """The figures of one run; ``error`` says why a run could not be made."""

    strategy: str
    nodes: int
    balancer: str
    client: str = BROWSER
    activity: str = EQUAL
    requests: int = 0
    page_requests: int = 0
    logins: int = 0
    errors: int = 0
    mismatch_rate: float | None = None
    node_share: dict[str, float] = field(default_factory=dict)
    imbalance: float | None = None
    store_commands_per_request: float | None = None
    store_bytes_per_request: float | None = None
    store_commands: dict[str, int] = field(default_factory=dict)
    store_commands_per_sign_in: float | None = None
    sign_in_store_commands: dict[str, int] = field(default_factory=dict)
    replication_bytes_per_write: float | None = None
    cache_commands_per_request: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    rps: float | None = None
    seconds: float | None = None
    database: str = ""
    # redis-cluster: primaries, and each one's share of the session keys at the end
    # and of the store commands of the whole run (sign-ins and pages).
    shards: int | None = None
    shard_key_share: dict[str, float] | None = None
    shard_ops_share: dict[str, float] | None = None
    # With --sessionstats: what ``manage.py sessionstats`` printed on a node's settings.
    sessionstats: dict[str, str] | None = None
    error: str | None = None
    error_samples: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _per(value: float, count: int) -> float | None:
    return round(value / count, 3) if count else None


class Counters:
    """Reads the session store's and the other Redis's counters for one run."""

    def __init__(
        self, *, cluster: Cluster, database: LabDatabase, strategy: lab.LabStrategy
    ) -> None:
        self.cluster = cluster
        # Database sessions are counted on PostgreSQL only (SQLite keeps no counts).
        self.database_url = (
            database.url
            if lab.STORE_DB in strategy.stores and database.kind == "postgresql"
            else None
        )

    @property
    def counts_store(self) -> bool:
        return (
            self.database_url is not None
            or lab.STORE_DB not in self.cluster.strategy.stores
        )

    def snapshot(self) -> tuple[StoreCounters, StoreCounters]:
        store = self.cluster.store_counters()
        if self.database_url is not None:
            time.sleep(DATABASE_STATS_DELAY)
            store = store + postgres_table_counters(
                url=self.database_url, table=session_table()
            )
        return store, self.cluster.cache_counters()


def session_table() -> str:
    """The table the project's database sessions live in (not Django's django_session)."""
    # By app label: the lab does not depend on which module defines the model.
    return apps.get_model("accounts", "UserSession")._meta.db_table


# PostgreSQL 15 publishes a backend's table counts at most once a second while it is
# busy, and the rest only after PGSTAT_IDLE_INTERVAL (10 s) of idleness: with a shorter
# wait the counts of a run's last second, or of a whole short run, were missing.
DATABASE_STATS_DELAY = 11.0


def scalelab_run(
    *,
    options: RunOptions,
    out: Path,
    database: LabDatabase | None = None,
    progress: TextIO | None = sys.stderr,
    strategy: lab.LabStrategy | None = None,
) -> RunResult:
    """Start everything for one run, drive the users, stop everything; return figures.

    A server that does not start, or a node that does not run the strategy, gives a
    result with ``error`` set. KeyboardInterrupt stops the servers and propagates. ``strategy``
    replaces the table's entry for ``options.strategy`` (for a variant of a strategy).
    """
    result = RunResult(
        strategy=options.strategy,
        nodes=options.nodes,
        balancer=options.balancer,
        client=options.client,
        activity=options.activity,
    )
    strategy = strategy or lab.strategy_get(name=options.strategy)
    if lab.REDIS_CLUSTER in strategy.services:
        result.shards = options.shards
    # Absolute: redis-server changes into its --dir before it opens its --logfile, so a
    # relative out folder (``make lab``: var/lab) would make every Redis fail to start.
    run_dir = (
        Path(out).resolve() / f"{options.strategy}-{options.balancer}-{options.nodes}"
    )
    own_database = database is None
    try:
        with Processes(run_dir) as processes:
            if database is None:
                database = database_ready(out=run_dir, users=options.users)
            result.database = database.kind
            env = base_env(database_url=database.url, var_dir=run_dir / "var")
            cluster = cluster_start(
                processes=processes,
                strategy=strategy,
                nodes=options.nodes,
                balancer=options.balancer,
                env=env,
                shards=options.shards,
            )
            counters = Counters(cluster=cluster, database=database, strategy=strategy)
            overhead, start = _overhead(counters)
            shards_start = cluster.shard_counters()
            before: list[tuple[StoreCounters, StoreCounters]] = []
            tally, elapsed = load_run(
                plan=LoadPlan(
                    port=cluster.port,
                    users=options.users,
                    requests=options.requests,
                    seconds=options.seconds,
                    kind=options.client,
                    activity=options.activity,
                ),
                between_phases=lambda: before.append(counters.snapshot()),
                progress=progress,
                label=f"{options.strategy} {options.balancer} x{options.nodes}",
            )
            store_after, cache_after = counters.snapshot()
            _shards_fill(result, cluster=cluster, start=shards_start)
            if options.sessionstats:
                result.sessionstats = sessionstats_run(
                    processes=processes, cluster=cluster
                )
    except LabError as exc:
        result.error = str(exc)
        return result
    finally:
        if own_database and database is not None:
            database.close()

    store = store_after - before[0][0]
    cache = cache_after - before[0][1]
    store.bytes = max(store.bytes - overhead[0], 0)
    cache.bytes = max(cache.bytes - overhead[1], 0)
    _result_fill(
        result,
        tally=tally,
        elapsed=elapsed,
        nodes=list(cluster.nodes),
        store=store if counters.counts_store else None,
        store_bytes_known=lab.STORE_DB not in strategy.stores,
        cache=cache,
        # Sessions are written at sign-in, so replication counts from before those.
        whole=store_after - start[0],
        replicas=cluster.replicas_per_write,
    )
    if counters.counts_store:
        sign_ins = before[0][0] - start[0]
        result.store_commands_per_sign_in = _per(sign_ins.commands, options.users)
        result.sign_in_store_commands = sign_ins.per_command
    return result


def _shards_fill(
    result: RunResult, *, cluster: Cluster, start: dict[str, StoreCounters]
) -> None:
    """Each redis-cluster primary's share of the session keys and of the commands."""
    if not cluster.shards:
        return
    served = {
        name: (counters - start[name]).commands
        for name, counters in cluster.shard_counters().items()
    }
    keys = cluster.shard_session_keys()
    result.shard_ops_share = {
        name: _per(count, sum(served.values())) or 0.0 for name, count in served.items()
    }
    result.shard_key_share = {
        name: _per(count, sum(keys.values())) or 0.0 for name, count in keys.items()
    }


def _result_fill(
    result: RunResult,
    *,
    tally: LoadTally,
    elapsed: float,
    nodes: list[str],
    store: StoreCounters | None,
    store_bytes_known: bool,
    cache: StoreCounters,
    whole: StoreCounters,
    replicas: int,
) -> None:
    """Turn the users' tally and the counters' deltas into the run's figures.

    ``store`` is None where session traffic is not counted (database sessions on
    SQLite), and bytes are not known for database sessions: those figures stay empty
    rather than a misleading 0.
    """
    result.requests = tally.requests
    result.page_requests = tally.page_requests
    result.logins = tally.logins
    result.errors = tally.errors
    result.error_samples = tally.error_samples
    result.seconds = round(elapsed, 3)
    result.mismatch_rate = _per(tally.signed_out, tally.page_requests)
    counts = {name: tally.nodes.get(name, 0) for name in nodes}
    total = sum(counts.values())
    result.node_share = {name: _per(c, total) or 0.0 for name, c in counts.items()}
    if counts and min(counts.values()) > 0:
        result.imbalance = round(max(counts.values()) / min(counts.values()), 3)
    if store is not None:
        result.store_commands_per_request = _per(store.commands, tally.requests)
        if store_bytes_known:
            result.store_bytes_per_request = _per(store.bytes, tally.requests)
        result.store_commands = store.per_command
    result.cache_commands_per_request = _per(cache.commands, tally.requests)
    if replicas:
        # Every replica receives the whole replication stream once.
        shipped = whole.replication_offset * replicas
        result.replication_bytes_per_write = _per(shipped, whole.writes)
    result.p50_ms = round(percentile(tally.latencies, 0.50) * 1000, 2)
    result.p99_ms = round(percentile(tally.latencies, 0.99) * 1000, 2)
    result.rps = round(tally.requests / elapsed, 1) if elapsed else None


def _overhead(
    counters: Counters,
) -> tuple[tuple[int, int], tuple[StoreCounters, StoreCounters]]:
    """Bytes that reading the counters itself costs (two snapshots, nothing between),
    and the second snapshot, taken before any user arrives."""
    first = counters.snapshot()
    second = counters.snapshot()
    costs = (second[0].bytes - first[0].bytes, second[1].bytes - first[1].bytes)
    return costs, second


def matrix_run(
    *,
    out: Path,
    rows: tuple[tuple[str, str], ...] = lab.MATRIX_ROWS,
    nodes: tuple[int, ...] = lab.MATRIX_NODES,
    users: int = 8,
    requests: int = 50,
    seconds: float = 30.0,
    activity: str = EQUAL,
    shards: int = lab.SHARDS_DEFAULT,
    progress: TextIO | None = sys.stderr,
) -> tuple[list[RunResult], str]:
    """Run every (strategy, balancer) row at every node count on one shared database.

    Return the results and a note on the database used.
    """
    out = Path(out).resolve()  # see scalelab_run
    database = database_ready(out=out, users=users)
    results = []
    try:
        for strategy, balancer in rows:
            for count in nodes:
                started = time.monotonic()
                result = scalelab_run(
                    options=RunOptions(
                        strategy=strategy,
                        nodes=count,
                        balancer=balancer,
                        users=users,
                        requests=requests,
                        seconds=seconds,
                        activity=activity,
                        shards=shards,
                    ),
                    out=out,
                    database=database,
                    progress=progress,
                )
                results.append(result)
                if progress is not None and result.error:
                    progress.write(
                        f"{strategy} {balancer} x{count}: {result.error.splitlines()[0]}"
                        f" ({time.monotonic() - started:.1f} s)\n"
                    )
    finally:
        database.close()
    return results, database.note
