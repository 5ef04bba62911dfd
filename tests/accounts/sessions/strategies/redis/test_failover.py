"""redis-sentinel: a signed-in user stays signed in when the Redis primary dies."""

import time

import pytest
import redis
from redis.sentinel import MasterNotFoundError, Sentinel

from tests.helpers.accounts import sign_in

MASTER = "authsite-failover"


@pytest.fixture
def sentinel_group(stoppable_redis, use_strategy):
    """A primary, its replica and a Sentinel that fails over after 500 ms, all ours."""
    primary = stoppable_redis()
    replica = stoppable_redis(
        extra_args=["--replicaof", "127.0.0.1", str(primary.port)]
    )
    sentinel = stoppable_redis(
        sentinel_config=(
            f"sentinel monitor {MASTER} 127.0.0.1 {primary.port} 1\n"
            f"sentinel down-after-milliseconds {MASTER} 500\n"
            f"sentinel failover-timeout {MASTER} 5000\n"
        ),
    )
    use_strategy(
        "redis-sentinel",
        redis_sessions_url=primary.url,
        env={
            "REDIS_SENTINELS": f"127.0.0.1:{sentinel.port}",
            "REDIS_SENTINEL_MASTER": MASTER,
        },
    )
    return primary, replica, sentinel


def promoted(watcher: Sentinel) -> tuple[str, int] | None:
    try:
        return watcher.discover_master(MASTER)
    except MasterNotFoundError:
        return None


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.1)


@pytest.mark.django_db
def test_signed_in_user_survives_a_primary_failover(sentinel_group, client, user):
    primary, replica, sentinel = sentinel_group
    sign_in(client, "alice")
    primary_client = redis.Redis(port=primary.port)
    primary_client.wait(1, 5000)  # the session is on the replica
    primary_client.close()

    primary.stop()
    # Until Sentinel reports the promoted replica as a healthy primary, requests
    # answer 503; after that the site must follow it without a restart.
    watcher = Sentinel([("127.0.0.1", sentinel.port)])
    wait_until(lambda: promoted(watcher) == ("127.0.0.1", replica.port))

    assert "Signed in as alice" in client.get("/").text
