"""Write keys of one slot in one ``MULTI`` on its primary, then ``WAIT`` for replicas.

``WAIT`` counts the writes of the connection it is sent on, so the transaction and its
``WAIT`` must share one connection. redis-py's cluster transaction pipeline returns
its connection to the pool when ``EXEC`` is answered, so this module sends
``MULTI ... EXEC WAIT`` itself, on one connection to the slot's primary, and follows
the cluster the way ``RedisCluster`` does: ``MOVED`` updates the slot's owner and
retries, ``ASK`` retries once on the importing node after ``ASKING``, ``TRYAGAIN`` (the
keys are split by a slot migration) waits and retries, a lost connection or
``CLUSTERDOWN`` refreshes the topology and retries, with backoff, ``RETRIES`` times.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from redis.cluster import ClusterNode, RedisCluster, get_connection
from redis.exceptions import (
    AskError,
    ClusterDownError,
    MovedError,
    ResponseError,
    TryAgainError,
)
from redis.exceptions import (
    ConnectionError as RedisConnectionError,
)
from redis.exceptions import (
    TimeoutError as RedisTimeoutError,
)

from accounts.sessions.strategies.redis_cluster.client import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    RETRIES,
    ClusterUnavailable,
    cluster_errors,
)

logger = logging.getLogger("authsite.sessions")

Command = Sequence[Any]


def _send(
    cluster: RedisCluster,
    node: ClusterNode,
    commands: Sequence[Command],
    *,
    asking: bool,
    wait: tuple[int, int] | None,
) -> tuple[list[Any], int | None]:
    """One attempt on ``node``: the EXEC replies and the WAIT reply."""
    redis_node = cluster.get_redis_connection(node)
    connection = get_connection(redis_node)
    packed: list[Command] = [
        *([("ASKING",)] if asking else []),
        ("MULTI",),
        *commands,
        ("EXEC",),
        *([("WAIT", *wait)] if wait else []),
    ]
    replies: list[Any] = []
    try:
        connection.send_packed_command(connection.pack_commands(packed))
        for _ in packed:
            try:
                replies.append(connection.read_response())
            except ResponseError as exc:
                replies.append(exc)
    except (RedisConnectionError, RedisTimeoutError):
        connection.disconnect()
        raise
    finally:
        redis_node.connection_pool.release(connection)
    if asking:
        replies.pop(0)
    queued, exec_reply = replies[1 : 1 + len(commands)], replies[1 + len(commands)]
    # A command refused while queueing (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) aborts EXEC;
    # the refusal says what to do next.
    for reply in (replies[0], *queued, exec_reply):
        if isinstance(reply, ResponseError):
            raise reply
    acknowledged = replies[-1] if wait else None
    return list(exec_reply), acknowledged


def primary_transaction(
    cluster: RedisCluster,
    *,
    slot_key: str,
    commands: Sequence[Command],
    wait_replicas: int = 0,
    wait_ms: int = 0,
) -> list[Any]:
    """Run ``commands`` (keys of ``slot_key``'s slot) in one MULTI; WAIT if asked.

    Return the EXEC replies. A cluster that cannot serve the slot within the retries
    raises ``ClusterUnavailable``.
    """
    wait = (wait_replicas, wait_ms) if wait_replicas else None
    slot = cluster.keyslot(slot_key)
    ask_node: ClusterNode | None = None
    last: Exception | None = None
    for attempt in range(RETRIES + 1):
        if attempt and ask_node is None:
            time.sleep(min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))
        try:
            with cluster_errors():
                node = ask_node or cluster.nodes_manager.get_node_from_slot(slot)
                asking, ask_node = ask_node is not None, None
                replies, acknowledged = _send(
                    cluster, node, commands, asking=asking, wait=wait
                )
        except AskError as exc:
            if not isinstance(exc, MovedError):
                ask_node = cluster.get_node(host=exc.host, port=exc.port)
                if ask_node is None:
                    cluster.nodes_manager.initialize()
                last = exc
                continue
            cluster.nodes_manager.move_slot(exc)
            last = exc
        except TryAgainError as exc:
            last = exc
        except (
            RedisConnectionError,
            RedisTimeoutError,
            ClusterDownError,
        ) as exc:
            last = exc
            try:
                with cluster_errors():
                    cluster.nodes_manager.initialize()
            except ClusterUnavailable as refresh:
                last = refresh
        else:
            if wait and acknowledged is not None and acknowledged < wait_replicas:
                # Answered anyway: the site stays up while a shard has no replica,
                # and a failover in this moment could lose this one write.
                logger.warning(
                    "session write reached %d of %d Redis Cluster replicas within %d ms",
                    acknowledged,
                    wait_replicas,
                    wait_ms,
                )
            return replies
    raise ClusterUnavailable(
        f"slot {slot} could not be written after {RETRIES + 1} attempts: {last}"
    ) from last
