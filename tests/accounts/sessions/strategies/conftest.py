import pytest

from accounts.sessions.strategies.redis_cluster.client import ClusterConnectionFactory
from tests.helpers.redis_cluster import RedisClusterServers


@pytest.fixture
def own_cluster(tmp_path):
    """A Redis Cluster (3 primaries, 3 replicas) this test may reshard or break."""
    cluster = RedisClusterServers(tmp_path / "cluster")
    cluster.start()
    yield cluster
    ClusterConnectionFactory.forget(cluster.location)
    cluster.stop()


@pytest.fixture
def own_cluster_site(own_cluster, settings, use_strategy, transactional_db):
    """The site with its sessions on ``own_cluster``; every request writes its session.

    A touch interval of 0 writes the idle clock on every request, so the simulated
    users' requests write (MULTI and WAIT) as well as read while slots move. A short
    WAIT: after a failover the promoted primary has no replica until one rejoins.
    """
    use_strategy(
        "redis-cluster",
        env={
            "REDIS_CLUSTER_NODES": own_cluster.location,
            "AUTHSITE_REDIS_WAIT_MS": "200",
        },
    )
    settings.AUTHSITE_SESSION_TOUCH_INTERVAL = 0
    return own_cluster
