"""A warm signed-in page: one round trip to the session store, no database query; and
the user snapshot that makes it so is dropped at every change of the user."""

from importlib import import_module

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches

from accounts.models import User
from accounts.sessions.cache import SNAPSHOT_GONE
from accounts.sessions.strategies.redis.replica import replication_of
from tests.helpers.accounts import session_key_of, sign_in

pytestmark = pytest.mark.django_db

SNAPSHOT_STRATEGIES = (
    "redis",
    "redis-replicated",
    "redis-sentinel",
    "memcached",
    "redis-cluster",
    "cached_db",
)


@pytest.fixture
def own_redis(stoppable_redis):
    """A Redis of this test's own as the session store: its counters count us alone."""
    return stoppable_redis("sessions")


def commands_sent(client: redis.Redis) -> dict[str, int]:
    stats = client.info("commandstats")
    return {
        name.removeprefix("cmdstat_"): values["calls"]
        for name, values in stats.items()
        if name not in ("cmdstat_info", "cmdstat_config")
    }


# A signed-in page that reads nothing but the session and its user (the account home
# also reads the user's sign-in activity from the database, by design). Signed out,
# it redirects to the sign-in page.
PAGE = "/accounts/password/change/"


def warm_page(client, user) -> None:
    """Sign in and load the page twice: the first load caches the snapshot."""
    assert sign_in(client, user.username).status_code == 302
    client.get(PAGE)
    client.get(PAGE)


def snapshot_of(client):
    engine = caches["sessions"]
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    return engine.get(store.snapshot_key_of(session_key_of(client)))


def test_warm_page_on_redis_is_one_mget_and_nothing_else(client, user, own_redis):
    warm_page(client, user)
    counter = redis.Redis(port=own_redis.port)
    counter.config_resetstat()

    response = client.get(PAGE)

    assert response.status_code == 200
    assert 'name="old_password"' in response.text
    assert commands_sent(counter) == {"mget": 1}


@pytest.mark.parametrize("name", SNAPSHOT_STRATEGIES)
def test_warm_page_reads_no_database_row(
    name, client, user, use_strategy, django_assert_num_queries
):
    use_strategy(name)
    warm_page(client, user)

    with django_assert_num_queries(0):
        response = client.get(PAGE)

    assert response.status_code == 200


def test_page_on_db_is_one_query_for_session_and_user(
    client, user, use_strategy, django_assert_num_queries
):
    use_strategy("db")
    warm_page(client, user)

    with django_assert_num_queries(1) as captured:
        response = client.get(PAGE)

    assert response.status_code == 200
    assert "accounts_user" in captured.captured_queries[0]["sql"]


def test_page_on_db_signs_out_a_deactivated_user(client, user, use_strategy):
    use_strategy("db")
    warm_page(client, user)

    user.is_active = False
    user.save()

    assert "Signed in as" not in client.get("/").text


def test_warm_page_on_replicated_redis_is_one_round_trip(
    client, user, use_strategy, servers, settings
):
    # Each process asks its replicas whether they are fit once per check interval; an
    # interval of an hour keeps that periodic ROLE (on both servers) out of the page
    # measured, and forgetting what the process knew makes warm_page run it first.
    use_strategy(
        "redis-replicated",
        env={
            **servers.env_for("redis-replicated"),
            "AUTHSITE_REDIS_REPLICA_CHECK_MS": str(3_600_000),
        },
    )
    replication_of(tuple(settings.CACHES["sessions"]["LOCATION"])).states_set({}, -1)
    warm_page(client, user)
    counters = [
        redis.Redis(port=servers.redis_primary().port),
        redis.Redis(port=servers.redis_replica().port),
    ]
    # The primary's keep-alive PING (every repl-ping-replica-period, 10 s) reaches the
    # replica through the replication stream and counts there as a command: pushed
    # out of the page measured, so that the replica's count is the page's alone.
    period = counters[0].config_get("repl-ping-replica-period")[
        "repl-ping-replica-period"
    ]
    counters[0].config_set("repl-ping-replica-period", 3600)
    try:
        for counter in counters:
            counter.config_resetstat()

        assert client.get(PAGE).status_code == 200

        sent = [commands_sent(counter) for counter in counters]
    finally:
        counters[0].config_set("repl-ping-replica-period", period)
    # The read goes to this node's replica; the primary hears nothing from the page
    # (a replica's own replication traffic is not a command it was sent).
    assert sent[1] == {"mget": 1}
    assert set(sent[0]) <= {"ping", "replconf"}


def test_changed_username_shows_on_the_next_page(client, user, own_redis):
    warm_page(client, user)

    user.username = "alicia"
    user.save()

    assert "Signed in as alicia" in client.get("/").text


def test_deactivated_user_is_signed_out_on_next_request(client, user, own_redis):
    warm_page(client, user)

    user.is_active = False
    user.save()

    assert "Signed in as" not in client.get("/").text


def test_deleted_user_is_signed_out_on_next_request(client, user, own_redis):
    warm_page(client, user)

    user.delete()

    assert "Signed in as" not in client.get("/").text


def test_password_set_in_the_shell_signs_the_session_out(client, user, own_redis):
    warm_page(client, user)

    user.set_password("another-long-passphrase-42")
    user.save()

    assert "Signed in as" not in client.get("/").text


def test_staff_flag_change_drops_the_snapshot(client, user, own_redis):
    warm_page(client, user)
    assert snapshot_of(client)["is_staff"] == "False"

    user.is_staff = True
    user.save()

    assert snapshot_of(client) == SNAPSHOT_GONE


@pytest.mark.parametrize("side", ["user", "group"])
def test_group_change_from_either_side_drops_the_snapshot(
    side, client, user, own_redis
):
    warm_page(client, user)
    group = Group.objects.create(name="editors")

    if side == "user":
        user.groups.add(group)
    else:
        group.user_set.add(user)

    assert snapshot_of(client) == SNAPSHOT_GONE


def test_permission_change_drops_the_snapshot(client, user, own_redis):
    warm_page(client, user)

    user.user_permissions.add(Permission.objects.first())

    assert snapshot_of(client) == SNAPSHOT_GONE


def test_last_login_update_keeps_the_snapshot(client, user, own_redis):
    warm_page(client, user)

    user.save(update_fields=["last_login"])

    assert snapshot_of(client)["username"] == "alice"


@pytest.mark.parametrize("name", SNAPSHOT_STRATEGIES)
def test_deactivation_signs_out_under_every_snapshot_strategy(
    name, client, user, use_strategy
):
    use_strategy(name)
    warm_page(client, user)

    user.is_active = False
    user.save()

    assert "Signed in as" not in client.get("/").text


def test_first_page_after_sign_in_is_one_mget_too(client, user, own_redis):
    counter = redis.Redis(port=own_redis.port)
    assert sign_in(client, user.username).status_code == 302
    counter.config_resetstat()

    assert client.get(PAGE).status_code == 200

    assert commands_sent(counter) == {"mget": 1}


def test_queryset_update_of_users_drops_the_snapshot(client, user, own_redis):
    warm_page(client, user)

    User.objects.filter(pk=user.pk).update(first_name="Alice")

    assert snapshot_of(client) == SNAPSHOT_GONE


def test_warm_page_on_cached_db_is_one_mget_to_its_cache(
    client, user, use_strategy, stoppable_redis, django_assert_num_queries
):
    use_strategy("cached_db")
    cache = stoppable_redis("sessions")
    warm_page(client, user)
    counter = redis.Redis(port=cache.port)
    counter.config_resetstat()

    with django_assert_num_queries(0):
        response = client.get(PAGE)

    assert response.status_code == 200
    assert commands_sent(counter) == {"mget": 1}


def test_warm_page_on_redis_cluster_is_one_mget_to_one_node(
    client, user, use_strategy, servers
):
    use_strategy("redis-cluster")
    warm_page(client, user)
    cluster = servers.redis_cluster()
    counters = [redis.Redis(port=node.port) for node in cluster.running()]
    for counter in counters:
        counter.config_resetstat()

    assert client.get(PAGE).status_code == 200

    # The session and its snapshot share a hash slot: one node answers both. A
    # node's own cluster traffic (the bus, replication) is not a command it was sent.
    sent = [commands_sent(counter) for counter in counters]
    asked = [s for s in sent if set(s) - {"ping", "replconf", "cluster"}]
    assert asked == [{"mget": 1}]
