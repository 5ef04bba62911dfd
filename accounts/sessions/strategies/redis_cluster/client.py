"""redis-py's ``RedisCluster`` behind django-redis, as a client class.

django-redis builds one plain ``Redis`` per URL of ``LOCATION`` and has no cluster
client of its own. Its ``DefaultClient`` only needs ``get_client()`` to return
something that speaks the Redis commands, so the cluster fits behind it with three
changes: ``LOCATION`` is one list of startup nodes (not one server per comma),
``get_many`` fetches keys of many slots (``MGET`` refuses keys of two slots), and the
connection factory builds one ``RedisCluster`` per process (finding the topology costs
a ``CLUSTER SLOTS`` round trip, and Django makes a client per thread).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.backoff import ExponentialWithJitterBackoff
from redis.cluster import ClusterNode, LoadBalancingStrategy, RedisCluster
from redis.exceptions import (
    ClusterError,
    RedisClusterException,
    SlotNotCoveredError,
)
from redis.exceptions import (
    ConnectionError as RedisConnectionError,
)
from redis.exceptions import (
    TimeoutError as RedisTimeoutError,
)
from redis.retry import Retry

#: A failed command is retried this often, on a fresh view of the cluster each time:
#: enough to ride out a MOVED storm or a node that just closed its connections,
#: short enough that a slot without a primary answers 503 within about a second.
RETRIES = 3
BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 0.4


class ClusterUnavailable(RedisConnectionError):
    """The cluster cannot serve a key now: no primary for its slot, or no node answers.

    A ``ConnectionError`` so that every caller that turns a store outage into a 503
    (``accounts.sessions.errors.STORE_ERRORS``) treats it as one, and the session engine
    never mistakes it for "no such session".
    """


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, ClusterError | SlotNotCoveredError):
        # ClusterDownError (CLUSTERDOWN, MASTERDOWN) and an exhausted redirect budget
        # are ClusterErrors; SlotNotCoveredError: the client knows no node for a slot.
        return True
    # Finding the topology again fails with RedisClusterException when no node
    # answers; the connection error it carries says it is an outage, not a bug.
    return isinstance(exc, RedisClusterException) and isinstance(
        exc.__cause__, RedisConnectionError | RedisTimeoutError
    )


@contextmanager
def cluster_errors() -> Iterator[None]:
    """Raise ``ClusterUnavailable`` for a cluster that cannot serve; others unchanged."""
    try:
        yield
    except (ClusterError, RedisClusterException) as exc:
        if _is_unavailable(exc):
            raise ClusterUnavailable(str(exc)) from exc
        raise


class SessionRedisCluster(RedisCluster):
    """``RedisCluster`` whose outages are ``ClusterUnavailable`` (see there)."""

    def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        with cluster_errors():
            return super().execute_command(*args, **kwargs)


def startup_nodes(location: str) -> list[ClusterNode]:
    """``host:port,host:port`` as redis-py's startup nodes."""
    nodes = []
    for entry in location.split(","):
        host, _, port = entry.strip().rpartition(":")
        nodes.append(ClusterNode(host, int(port)))
    return nodes


class ClusterConnectionFactory:
    """django-redis ``CONNECTION_FACTORY``: one ``RedisCluster`` per process and setup."""

    _clusters: dict[tuple[str, bool], RedisCluster] = {}
    _lock = threading.Lock()

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    def cluster_kwargs(self, *, replicas: bool) -> dict[str, Any]:
        timeout = self.options.get("SOCKET_TIMEOUT")
        return {
            "socket_timeout": timeout,
            "socket_connect_timeout": self.options.get("SOCKET_CONNECT_TIMEOUT"),
            "retry": Retry(
                ExponentialWithJitterBackoff(
                    base=BACKOFF_BASE_SECONDS, cap=BACKOFF_CAP_SECONDS
                ),
                retries=RETRIES,
            ),
            # A cluster with a slot that has no primary still serves the others.
            "require_full_coverage": False,
            "load_balancing_strategy": (
                LoadBalancingStrategy.ROUND_ROBIN_REPLICAS if replicas else None
            ),
        }

    def connect(self, url: str, *, replicas: bool = False) -> RedisCluster:
        key = (url, replicas)
        cluster = self._clusters.get(key)
        if cluster is not None:
            return cluster
        with self._lock:
            cluster = self._clusters.get(key)
            if cluster is None:
                with cluster_errors():
                    cluster = SessionRedisCluster(
                        startup_nodes=startup_nodes(url),
                        **self.cluster_kwargs(replicas=replicas),
                    )
                self._clusters[key] = cluster
        return cluster

    def disconnect(self, connection: RedisCluster) -> None:
        connection.disconnect_connection_pools()

    @classmethod
    def forget(cls, url: str) -> None:
        """Close and drop this process's clients of the cluster at ``url``."""
        with cls._lock:
            for key in [key for key in cls._clusters if key[0] == url]:
                cls._clusters.pop(key).close()


class ClusterClient(DefaultClient):
    """django-redis ``CLIENT_CLASS`` for a Redis Cluster (``LOCATION``: its nodes).

    Client 0 talks to the primaries. With ``OPTIONS["READ_FROM_REPLICAS"]`` reads that
    django-redis makes with ``write=False`` (a session load) go to client 1, which
    reads from the slot's replicas.
    """

    def __init__(self, server: Any, params: dict[str, Any], backend: Any) -> None:
        if not isinstance(server, str):
            server = ",".join(server)
        super().__init__([server, server], params, backend)
        self.read_from_replicas = bool(self._options.get("READ_FROM_REPLICAS"))

    def get_next_client_index(
        self, write: bool = True, tried: list[int] | None = None
    ) -> int:
        return 1 if self.read_from_replicas and not write else 0

    def connect(self, index: int = 0) -> Any:
        factory: ClusterConnectionFactory = self.connection_factory
        return factory.connect(self._server[index], replicas=index == 1)

    def get_many(
        self,
        keys: Collection[str],
        version: int | None = None,
        client: Any = None,
    ) -> dict:
        if client is None:
            client = self.get_client(write=False)
        if not keys:
            return {}
        names = {self.make_key(key, version=version): key for key in keys}
        try:
            with cluster_errors():
                # One MGET per slot, sent to each node in one pipeline.
                values = client.mget_nonatomic(list(names))
        except (RedisConnectionError, RedisTimeoutError) as exc:
            raise ConnectionInterrupted(connection=client) from exc
        return {
            names[name]: self.decode(value)
            for name, value in zip(names, values, strict=True)
            if value is not None
        }
