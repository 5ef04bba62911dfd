"""A real Redis Cluster for tests (3 primaries, 3 replicas).

The cluster itself is the lab's (``lab.runner.redis_cluster``): the lab's
``scalelab --strategy redis-cluster`` starts the same one.
"""

from lab.runner.redis_cluster import RedisClusterServers

__all__ = ["RedisClusterServers"]
