"""redis-cluster on the run's shared cluster: keys, slots, the index over every primary.

The strategy-contract suites (sessions page, index, login, logout, the API...) run
under redis-cluster through the registry parametrization; these tests cover what only
the cluster has.
"""

import hashlib
import time
from io import StringIO

import pytest
import redis
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from accounts.sessions import timeouts
from accounts.sessions.base import StrategyContext
from accounts.sessions.index import index_active
from accounts.sessions.registry import strategy_get
from accounts.sessions.strategies.redis_cluster.engine import SessionStore
from accounts.sessions.strategies.redis_cluster.session_keys import (
    index_name,
    key_tag,
    session_name,
    user_tag,
)
from authsite.embedded_redis import free_port
from tests.factories import make_user
from tests.helpers.accounts import session_key_of, sign_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.parametrize("strategy", ["redis-cluster"], indirect=True),
]


def cluster():
    """The RedisCluster client of the sessions alias (primaries)."""
    return caches["sessions"].client.get_client(write=True)


def redis_key(name: str) -> str:
    return caches["sessions"].make_key(name)


def keys_per_primary() -> dict[str, list[bytes]]:
    pattern = redis_key("s:*")
    return {
        node.name: list(cluster().get_redis_connection(node).scan_iter(match=pattern))
        for node in cluster().get_primaries()
    }


def signed_in_store(user_id: int) -> SessionStore:
    """A signed-in session of ``user_id`` written through the engine, as login leaves it."""
    now = int(time.time())
    store = SessionStore()
    store[SESSION_KEY] = str(user_id)
    store[timeouts.STARTED_KEY] = now
    store[timeouts.SEEN_KEY] = now
    store.save()
    return store


def test_signed_in_session_key_carries_the_users_tag_not_the_user_id(strategy, user):
    client = Client()
    sign_in(client, "alice")
    key = session_key_of(client)

    assert key_tag(key) == user_tag(user.pk)
    assert key.isalnum()  # the braces are the server's, never in the cookie
    # Keyed by SECRET_KEY: without it, no one can compute a user's tag from the id.
    assert key_tag(key) != user_tag(user.pk, secret="some other secret key")
    assert key_tag(key) != hashlib.sha256(str(user.pk).encode()).hexdigest()[:20]


def test_signed_in_session_and_its_index_entry_share_a_slot(strategy, user):
    client = Client()
    sign_in(client, "alice")
    key = session_key_of(client)
    session_slot = cluster().keyslot(redis_key(session_name(key)))

    index_key = redis_key(index_name(user_tag(user.pk)))

    assert cluster().keyslot(index_key) == session_slot
    assert cluster().zscore(index_key, key) is not None
    assert cluster().exists(redis_key(session_name(key)))


def test_sign_in_on_an_anonymous_session_moves_it_to_a_tagged_key(strategy, user):
    client = Client()
    anonymous = SessionStore()
    anonymous["cart"] = "kept"
    anonymous.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = anonymous.session_key

    sign_in(client, "alice")
    key = session_key_of(client)

    assert key_tag(anonymous.session_key) is None
    assert key_tag(key) == user_tag(user.pk)
    assert not SessionStore().exists(anonymous.session_key)
    # Only the signed-in key is left: the one cycle_key() drew at login is gone too.
    assert sum(len(keys) for keys in keys_per_primary().values()) == 1


def test_cycle_key_of_a_signed_in_session_draws_a_key_in_the_same_slot(strategy, user):
    store = signed_in_store(user.pk)
    old_key = store.session_key

    store.cycle_key()

    assert store.session_key != old_key
    assert key_tag(store.session_key) == user_tag(user.pk)
    assert not SessionStore().exists(old_key)
    members = cluster().zrange(redis_key(index_name(user_tag(user.pk))), 0, -1)
    assert members == [store.session_key.encode()]


def command_calls(node: redis.Redis, names: tuple[str, ...]) -> dict[str, int]:
    stats = node.info("commandstats")
    return {name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in names}


def test_signed_in_session_write_is_one_multi_with_its_index_entry_then_a_wait(
    strategy, user
):
    store = signed_in_store(user.pk)
    primary = cluster().get_redis_connection(
        cluster().get_node_from_key(redis_key(session_name(store.session_key)))
    )
    names = ("multi", "set", "zadd", "expire", "exec", "wait")
    before = command_calls(primary, names)

    store["note"] = "changed"
    store.save()

    after = command_calls(primary, names)
    assert {name: after[name] - before[name] for name in names} == dict.fromkeys(
        names, 1
    )


def test_engine_write_of_a_signed_in_session_indexes_it(strategy, user):
    store = signed_in_store(user.pk)

    [indexed] = index_active().sessions(user_id=user.pk)

    assert indexed.key == store.session_key


def test_deleting_a_session_removes_its_index_entry(strategy, user):
    store = signed_in_store(user.pk)

    SessionStore().delete(store.session_key)

    index_key = redis_key(index_name(user_tag(user.pk)))
    assert cluster().zcard(index_key) == 0


def test_anonymous_sessions_spread_over_every_primary(strategy):
    for _ in range(60):
        store = SessionStore()
        store["seen"] = 1
        store.create()

    counts = [len(keys) for keys in keys_per_primary().values()]

    assert len(counts) == 3
    assert all(count > 0 for count in counts)


def test_signed_in_sessions_of_many_users_spread_over_every_primary(strategy):
    for user_id in range(1, 61):
        signed_in_store(user_id)

    counts = [len(keys) for keys in keys_per_primary().values()]

    assert len(counts) == 3
    assert all(count > 0 for count in counts)


def test_index_pages_walk_every_primary_once(strategy):
    expected = {signed_in_store(user_id).session_key for user_id in range(1, 41)}

    seen, cursor, pages = [], "", 0
    while True:
        found, cursor = index_active().page(cursor=cursor, size=7)
        seen += [indexed.key for indexed in found]
        pages += 1
        if cursor is None:
            break

    assert sorted(seen) == sorted(expected)
    assert pages >= 6


def test_sessionstats_counts_the_sessions_of_every_primary(strategy):
    for user_id in range(1, 31):
        signed_in_store(user_id)
    out = StringIO()

    call_command("sessionstats", stdout=out)

    text = out.getvalue()
    assert "strategy: redis-cluster" in text
    assert "live sessions: 30" in text
    assert "users with sessions: 30" in text
    assert text.count("note: primary 127.0.0.1:") == 3
    assert "bytes per session: unknown" not in text


def test_admin_live_sessions_lists_users_of_every_primary(strategy, client):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    names = [make_user(username=f"member{n}").username for n in range(12)]
    for name in names:
        assert sign_in(Client(), name).status_code == 302
    make_user(username="root", is_staff=True, is_superuser=True)
    sign_in(client, "root")

    page = client.get("/admin/accounts/livesession/")

    assert page.status_code == 200
    assert sorted(name for _entry, name in page.context["rows"]) == sorted(
        [*names, "root"]
    )


def test_check_names_an_unreachable_node(strategy, settings):
    dead = f"127.0.0.1:{free_port()}"
    config = settings.CACHES["sessions"]
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {**config, "LOCATION": f"{config['LOCATION']},{dead}"},
    }

    problems = strategy_get("redis-cluster").check()

    assert len(problems) == 1
    assert f"node {dead} is unreachable" in problems[0]


def test_check_passes_on_a_healthy_cluster(strategy):
    assert strategy_get("redis-cluster").check() == []


def test_check_reports_a_cluster_that_is_not_ok(strategy, settings, tmp_path):
    from tests.helpers.redis_cluster import RedisClusterServers

    # A cluster node that was never given slots: cluster_state:fail.
    lone = RedisClusterServers(tmp_path)
    node = lone.node_start()
    try:
        settings.CACHES = {
            **settings.CACHES,
            "sessions": {
                **settings.CACHES["sessions"],
                "LOCATION": f"127.0.0.1:{node.port}",
            },
        }

        problems = strategy_get("redis-cluster").check()
    finally:
        node.stop()

    assert problems == [
        "Redis Cluster reports cluster_state:fail (some slots have no working primary)."
    ]


def context(**env):
    return StrategyContext(
        redis_url="redis://127.0.0.1:6379/0",
        redis_sessions_url="redis://127.0.0.1:6379/1",
        key_prefix="authsite",
        redis_options={},
        env=env,
    )


def test_strategy_needs_the_cluster_nodes(strategy):
    with pytest.raises(ImproperlyConfigured, match="REDIS_CLUSTER_NODES"):
        strategy_get("redis-cluster").django_settings(context())


def test_strategy_refuses_a_node_without_a_port(strategy):
    with pytest.raises(ImproperlyConfigured, match="'cache-1' is not host:port"):
        strategy_get("redis-cluster").django_settings(
            context(REDIS_CLUSTER_NODES="cache-0:7000,cache-1")
        )


def test_strategy_reads_from_replicas_only_when_asked(strategy):
    def options(**env):
        values = strategy_get("redis-cluster").django_settings(
            context(REDIS_CLUSTER_NODES="cache-0:7000", **env)
        )
        return values.sessions_cache["OPTIONS"]

    assert options()["READ_FROM_REPLICAS"] is False
    assert options(REDIS_CLUSTER_READ_FROM_REPLICAS="1")["READ_FROM_REPLICAS"] is True


def test_strategy_waits_for_one_replica_by_default(strategy):
    def waits(**env):
        values = strategy_get("redis-cluster").django_settings(
            context(REDIS_CLUSTER_NODES="cache-0:7000", **env)
        )
        return values.redis_wait_replicas

    assert waits() == 1
    assert waits(AUTHSITE_REDIS_WAIT_REPLICAS="0") == 0


def test_session_loads_from_a_replica_when_reading_from_replicas(
    strategy, settings, user
):
    config = settings.CACHES["sessions"]
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            **config,
            "OPTIONS": {**config["OPTIONS"], "READ_FROM_REPLICAS": True},
        },
    }
    client = Client()
    sign_in(client, "alice")
    readers = caches["sessions"].client.get_client(write=False)
    name = redis_key(session_name(session_key_of(client)))

    node = readers.nodes_manager.get_node_from_slot(
        readers.keyslot(name), load_balancing_strategy=readers.load_balancing_strategy
    )

    assert node.server_type == "replica"
    assert "Signed in as alice" in client.get("/").text
    assert isinstance(readers, redis.RedisCluster)
