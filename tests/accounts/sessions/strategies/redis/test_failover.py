"""redis-sentinel: a signed-in user stays signed in when the Redis primary dies."""

import dataclasses
import tempfile
import time
from pathlib import Path

import pytest
import redis
from redis.sentinel import MasterNotFoundError, Sentinel

from accounts.sessions.registry import strategy_settings
from authsite.embedded_redis import EmbeddedRedis
from tests.conftest import sign_in

MASTER = "authsite-failover"


@pytest.fixture
def sentinel_group(settings):
    """A primary, its replica and a Sentinel that fails over after 500 ms, all ours."""
    directory = Path(tempfile.mkdtemp(prefix="authsite-failover-"))
    primary = EmbeddedRedis(directory)
    primary.start()
    replica = EmbeddedRedis(
        directory, extra_args=["--replicaof", "127.0.0.1", str(primary.port)]
    )
    replica.start()
    sentinel = EmbeddedRedis(
        directory,
        sentinel_config=(
            f"sentinel monitor {MASTER} 127.0.0.1 {primary.port} 1\n"
            f"sentinel down-after-milliseconds {MASTER} 500\n"
            f"sentinel failover-timeout {MASTER} 5000\n"
        ),
    )
    sentinel.start()
    context = dataclasses.replace(
        settings.SESSION_STRATEGY_CONTEXT,
        redis_sessions_url=primary.url,
        env={
            "REDIS_SENTINELS": f"127.0.0.1:{sentinel.port}",
            "REDIS_SENTINEL_MASTER": MASTER,
        },
    )
    values = strategy_settings("redis-sentinel", context).overrides()
    settings.CACHES = {**settings.CACHES, **values.pop("CACHES")}
    for name, value in values.items():
        setattr(settings, name, value)
    try:
        yield primary, replica, sentinel
    finally:
        for server in (sentinel, replica, primary):
            server.stop()


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
