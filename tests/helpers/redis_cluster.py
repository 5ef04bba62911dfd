"""A real Redis Cluster for tests (3 primaries, 3 replicas), and its environment.

The cluster itself is the lab's (``lab.runner.redis_cluster``): the lab's
``scalelab --strategy redis-cluster`` starts the same one.
"""

from lab.runner.redis_cluster import RedisClusterServers

__all__ = ["ClusterEnv", "RedisClusterServers"]


class ClusterEnv:
    """What ``tests.strategies.strategy_apply`` asks of its servers, for one cluster."""

    def __init__(self, cluster: RedisClusterServers, **env: str) -> None:
        self.cluster = cluster
        self.env = env

    def sessions_url_for(self, strategy: str) -> str | None:
        return None

    def env_for(self, strategy: str) -> dict[str, str]:
        return {"REDIS_CLUSTER_NODES": self.cluster.location, **self.env}
