"""What ``manage.py check`` says about the cluster: unreachable nodes, its state."""

from __future__ import annotations

import redis

from accounts.sessions.strategies.redis_cluster.client import startup_nodes

#: CLUSTER INFO fields that say a slot cannot be served.
SLOT_FIELDS = ("cluster_slots_assigned", "cluster_slots_fail")
ALL_SLOTS = 16384


def _node(host: str, port: int, timeout: float) -> redis.Redis:
    return redis.Redis(
        host=host, port=port, socket_timeout=timeout, socket_connect_timeout=timeout
    )


def _known_nodes_down(client: redis.Redis) -> list[str]:
    """Nodes the cluster itself flags as failing or cut off, from CLUSTER NODES."""
    down = []
    for address, node in client.cluster("NODES").items():
        flags = set(node["flags"].split(","))
        if flags & {"fail", "fail?"} or (
            not node["connected"] and "myself" not in flags
        ):
            down.append(address)
    return down


def cluster_problems(location: str, *, timeout: float) -> list[str]:
    """One line per unreachable node, and one if the cluster cannot serve every slot."""
    problems: list[str] = []
    reachable: redis.Redis | None = None
    configured = set()
    for node in startup_nodes(location):
        configured.add(node.name)
        client = _node(node.host, int(node.port), timeout)
        try:
            client.ping()
        except redis.exceptions.RedisError as exc:
            problems.append(f"Redis Cluster node {node.name} is unreachable: {exc}")
            client.close()
            continue
        if reachable is None:
            reachable = client
        else:
            client.close()
    if reachable is None:
        return problems
    try:
        info = reachable.cluster("INFO")
        state = str(info.get("cluster_state"))
        if state != "ok":
            problems.append(
                f"Redis Cluster reports cluster_state:{state} "
                "(some slots have no working primary)."
            )
        else:
            assigned, failing = (int(info.get(field, 0)) for field in SLOT_FIELDS)
            if assigned < ALL_SLOTS or failing:
                problems.append(
                    f"Redis Cluster serves {assigned - failing} of {ALL_SLOTS} slots."
                )
        problems += [
            f"Redis Cluster node {address} is unreachable (the cluster marks it failing)."
            for address in _known_nodes_down(reachable)
            if address not in configured
        ]
    except redis.exceptions.ResponseError as exc:
        problems.append(f"Redis at {reachable} is not a cluster node: {exc}")
    finally:
        reachable.close()
    return problems
