"""Each session strategy the lab can run, as data: the services it needs and each node's env.

A node is configured only through environment variables, exactly as a deployment would
configure it; the lab never imports a strategy. ``{placeholders}`` in ``node_env`` are
filled from the addresses of the services started for the run (see ``Topology``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lab.runner.processes import LabError

# Services a strategy can ask for. "cache" (the default cache: throttles, revocation
# data) and "sessions" (a Redis of its own, so that session-store traffic is measured
# apart from everything else) are started for every run.
REPLICAS = "replicas"  # one Redis replica of the sessions primary per node
SENTINEL = "sentinel"  # one Sentinel watching the sessions primary
MEMCACHED = "memcached"
REDIS_CLUSTER = "redis-cluster"  # a Redis Cluster of --shards primaries, 1 replica each

# Where a strategy's session data lives, i.e. which counters measure its store traffic.
STORE_REDIS = "redis"
STORE_MEMCACHED = "memcached"
REDIS_CLUSTER = "redis-cluster"  # a Redis Cluster of --shards primaries, 1 replica each
STORE_DB = "db"
STORE_NONE = "none"  # in the process (local) or in the client (cookies, JWT)


@dataclass(frozen=True)
class LabStrategy:
    """One row of the lab: a value of AUTHSITE_SESSION_STRATEGY and what it needs."""

    name: str
    services: tuple[str, ...] = ()
    # Added to (or, with None, removed from) the environment every node gets.
    node_env: dict[str, str | None] = field(default_factory=dict)
    stores: tuple[str, ...] = (STORE_REDIS,)
    # Cookie that carries the sign-in, for the ``hash`` balancer.
    sign_in_cookie: str = "sessionid"


STRATEGIES: dict[str, LabStrategy] = {
    strategy.name: strategy
    for strategy in (
        LabStrategy(name="redis"),
        LabStrategy(
            name="redis-replicated",
            services=(REPLICAS,),
            # Writes go to the sessions primary (REDIS_SESSIONS_URL, set for every
            # strategy); this node reads from its own replica.
            node_env={"REDIS_REPLICA_URLS": "{replica_url}"},
        ),
        LabStrategy(
            name="redis-sentinel",
            services=(SENTINEL,),
            node_env={
                "REDIS_SENTINELS": "{sentinels}",
                "REDIS_SENTINEL_MASTER": "{sentinel_master}",
            },
        ),
        LabStrategy(
            name="redis-cluster",
            services=(REDIS_CLUSTER,),
            node_env={"REDIS_CLUSTER_NODES": "{cluster_nodes}"},
        ),
        LabStrategy(
            name="memcached",
            services=(MEMCACHED,),
            node_env={"MEMCACHED_LOCATION": "{memcached_location}"},
            stores=(STORE_MEMCACHED,),
        ),
        LabStrategy(name="db", stores=(STORE_DB,)),
        LabStrategy(name="cached_db", stores=(STORE_REDIS, STORE_DB)),
        LabStrategy(name="signed_cookies", stores=(STORE_NONE,)),
        LabStrategy(name="local", stores=(STORE_NONE,)),
        # The jwt strategy's SESSION_COOKIE_NAME: "access", "__Host-access" on nodes
        # with Secure cookies (DEBUG off, as here); nginx's map accepts both spellings.
        LabStrategy(name="jwt", stores=(STORE_NONE,), sign_in_cookie="access"),
    )
}

# The comparison README reports: (strategy, balancer) rows x node counts.
MATRIX_ROWS: tuple[tuple[str, str], ...] = (
    ("local", "round-robin"),
    ("local", "sticky"),
    ("redis-replicated", "round-robin"),
    ("redis", "round-robin"),
    ("redis-cluster", "round-robin"),
    ("memcached", "round-robin"),
    ("db", "round-robin"),
    ("jwt", "round-robin"),
)
MATRIX_NODES: tuple[int, ...] = (1, 2, 4)

BALANCERS = ("round-robin", "sticky", "hash")

# redis-cli --cluster create refuses fewer than 3 primaries; more than 16 (32 servers
# with their replicas) is more than one machine's lab tells anything about.
SHARDS_DEFAULT = 3
SHARDS_MIN, SHARDS_MAX = 3, 16


def strategy_get(*, name: str) -> LabStrategy:
    """Return the lab entry for ``name``; raise LabError listing the valid names."""
    try:
        return STRATEGIES[name]
    except KeyError:
        valid = ", ".join(STRATEGIES)
        raise LabError(f"unknown strategy {name!r}; valid: {valid}") from None


def matrix_rows_parse(text: str, *, balancer: str) -> tuple[tuple[str, str], ...]:
    """Read ``strategy[:balancer],...``; a row without ``:balancer`` takes ``balancer``.

    Raise LabError naming the first row that is not a known strategy and balancer.
    """
    rows = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, colon, chosen = (part.strip() for part in item.partition(":"))
        if name not in STRATEGIES:
            valid = ", ".join(STRATEGIES)
            raise LabError(
                f"matrix row {item!r}: unknown strategy {name!r}; valid: {valid}"
            )
        if colon and chosen not in BALANCERS:
            valid = ", ".join(BALANCERS)
            raise LabError(
                f"matrix row {item!r}: unknown balancer {chosen!r}; valid: {valid}"
            )
        rows.append((name, chosen if colon else balancer))
    if not rows:
        raise LabError("the matrix rows name no strategy")
    return tuple(rows)


def shards_check(*, shards: int | None, strategies: list[str]) -> int:
    """Return the number of primaries for the redis-cluster runs among ``strategies``.

    Raise LabError when ``shards`` is given but no run is on redis-cluster, or when it
    is outside SHARDS_MIN..SHARDS_MAX.
    """
    if shards is None:
        return SHARDS_DEFAULT
    if REDIS_CLUSTER not in strategies:
        raise LabError(
            f"--shards is for the redis-cluster strategy; this run has "
            f"{', '.join(dict.fromkeys(strategies))}"
        )
    if not SHARDS_MIN <= shards <= SHARDS_MAX:
        raise LabError(
            f"--shards {shards}: a Redis Cluster here has {SHARDS_MIN} to "
            f"{SHARDS_MAX} primaries"
        )
    return shards


def matrix_nodes_parse(text: str) -> tuple[int, ...]:
    """Read node counts such as ``1,2,4``; raise LabError naming one that is not >= 1."""
    counts = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            count = int(item)
        except ValueError:
            count = 0
        if count < 1:
            raise LabError(f"matrix node count {item!r} is not a whole number >= 1")
        counts.append(count)
    if not counts:
        raise LabError("the matrix node counts name no number")
    return tuple(counts)
