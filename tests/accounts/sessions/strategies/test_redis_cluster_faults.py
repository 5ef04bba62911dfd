"""redis-cluster while the cluster changes: slots resharded, a primary killed, a stale
client, a slot without a primary. Each test has a cluster of its own (``own_cluster``)
and users browsing in threads of this process; the seconds of 503 during a failover
are measured and printed, never asserted.
"""

import statistics
import threading
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from accounts.sessions.strategies.redis_cluster.engine import SessionStore
from accounts.sessions.strategies.redis_cluster.session_keys import session_name
from tests.factories import make_user
from tests.helpers.browsing import (
    ERROR,
    SIGNED_IN,
    SIGNED_OUT,
    UNAVAILABLE,
    BrowsingUser,
    browse_stop,
    unavailable_seconds,
    wait_until,
)

# Over the default run's budget: `make test-slow` runs it (CI does too).
pytestmark = pytest.mark.slow

USERS = 12
PAUSE = 0.05


@pytest.fixture
def quick_hasher(settings):
    # Many sign-ins: a quick hasher keeps these tests about the cluster, not Argon2.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


def redis_name(session_key: str) -> str:
    return caches["sessions"].make_key(session_name(session_key))


def signed_in_users(count: int, stop: threading.Event) -> list[BrowsingUser]:
    users = []
    for n in range(count):
        user = BrowsingUser(
            make_user(username=f"browser{n}").username, stop=stop, pause=PAUSE
        )
        user.sign_in()
        users.append(user)
    return users


def by_primary(cluster, users: list[BrowsingUser]) -> dict[int, list[BrowsingUser]]:
    """The users grouped by the port of the primary holding their session."""
    groups: dict[int, list[BrowsingUser]] = {}
    for user in users:
        owner = cluster.owner_of(redis_name(user.session_key))
        groups.setdefault(owner.port, []).append(user)
    return groups


def primary_slots(cluster, node) -> list[int]:
    client = cluster.client(node)
    try:
        ranges = client.execute_command("CLUSTER SLOTS")
    finally:
        client.close()
    return sorted(
        slot
        for start, end, primary, *_ in ranges
        if int(primary[1]) == node.port
        for slot in range(start, end + 1)
    )


def assert_nobody_signed_out(users: list[BrowsingUser]) -> None:
    seen = [(u.username, s) for u in users for s in u.samples]
    assert [(name, s) for name, s in seen if s.outcome in {SIGNED_OUT, ERROR}] == []
    assert all(u.samples and u.samples[-1].outcome == SIGNED_IN for u in users)
    # The cookie still names the session of the sign-in: nobody signed in again.
    assert all(u.cookie() == u.session_key for u in users)


@pytest.mark.usefixtures("quick_hasher")
def test_users_stay_signed_in_while_slots_are_resharded(own_cluster_site):
    cluster = own_cluster_site
    stop = threading.Event()
    users = signed_in_users(USERS, stop)
    groups = by_primary(cluster, users)
    source_port = max(groups, key=lambda port: len(groups[port]))
    source = next(node for node in cluster.nodes if node.port == source_port)
    target = next(node for node in cluster.primaries() if node is not source)
    slots = primary_slots(cluster, source)
    moving = [
        cluster.client(source).cluster("KEYSLOT", redis_name(u.session_key))
        for u in groups[source_port]
    ]
    # redis-cli moves the source's lowest slots first: enough to take every session.
    count = max(slots.index(slot) for slot in moving) + 1

    for user in users:
        user.start()
    try:
        wait_until(lambda: all(u.samples for u in users), timeout=30, what="browsing")
        cluster.reshard(source, target, count)
        time.sleep(0.5)
    finally:
        browse_stop(users, stop)

    assert {
        cluster.owner_of(redis_name(u.session_key)).port for u in groups[source_port]
    } == {target.port}
    assert {s.outcome for u in users for s in u.samples} == {SIGNED_IN}
    assert_nobody_signed_out(users)


@pytest.mark.usefixtures("quick_hasher")
def test_users_stay_signed_in_when_a_primary_is_killed(own_cluster_site):
    cluster = own_cluster_site
    stop = threading.Event()
    users = signed_in_users(USERS, stop)
    groups = by_primary(cluster, users)
    victim_port = max(groups, key=lambda port: len(groups[port]))
    victim = next(node for node in cluster.nodes if node.port == victim_port)
    replica = cluster.replica_of(victim)

    for user in users:
        user.start()
    try:
        wait_until(lambda: all(u.samples for u in users), timeout=30, what="browsing")
        cluster.kill(victim)
        killed_at = time.monotonic()
        wait_until(
            lambda: cluster.info(replica, "replication")["role"] == "master",
            timeout=30,
            what="the replica to take over",
        )
        promoted_at = time.monotonic()
        wait_until(
            lambda: (
                all(
                    u.samples[-1].outcome == SIGNED_IN
                    and u.samples[-1].sent > promoted_at + 1
                    for u in users
                )
                or any(
                    u.outcomes(since=killed_at) - {SIGNED_IN, UNAVAILABLE}
                    for u in users
                )
            ),
            timeout=30,
            what="every user to be served again",
        )
    finally:
        browse_stop(users, stop)

    windows = [unavailable_seconds(u, since=killed_at) for u in groups[victim_port]]
    failed = sum(
        1
        for u in users
        for s in u.samples
        if s.answered >= killed_at and s.outcome == UNAVAILABLE
    )
    print(
        f"\nredis-cluster: primary 127.0.0.1:{victim_port} killed (SIGKILL) under "
        f"{len(users)} browsing users, {len(groups[victim_port])} of them on it; "
        f"replica promoted after {promoted_at - killed_at:.2f} s; {failed} requests "
        f"answered 503; 503 per user on that shard: min {min(windows):.2f} s, "
        f"median {statistics.median(windows):.2f} s, max {max(windows):.2f} s"
    )
    assert_nobody_signed_out(users)
    # Users on the other shards were never in the way of the failover.
    others = [u for port, group in groups.items() if port != victim_port for u in group]
    assert all(u.outcomes(since=killed_at) == {SIGNED_IN} for u in others)


def test_stale_client_follows_moved_on_a_read(own_cluster_site, user):
    cluster = own_cluster_site
    client = Client()
    client.post(
        "/accounts/login/", {"username": "alice", "password": "correct-Horse-battery-9"}
    )
    name = redis_name(client.cookies[settings.SESSION_COOKIE_NAME].value)
    app_cluster = caches["sessions"].client.get_client(write=True)
    slot = app_cluster.keyslot(name)
    owner = cluster.owner_of(name)
    target = next(node for node in cluster.primaries() if node is not owner)

    cluster.slot_move(slot, owner, target)

    assert app_cluster.nodes_manager.slots_cache[slot][0].port == owner.port  # stale
    assert "Signed in as alice" in client.get("/").content.decode()
    assert app_cluster.nodes_manager.slots_cache[slot][0].port == target.port


def test_stale_client_follows_moved_on_a_write(own_cluster_site, user):
    cluster = own_cluster_site
    client = Client()
    client.post(
        "/accounts/login/", {"username": "alice", "password": "correct-Horse-battery-9"}
    )
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    name = redis_name(key)
    app_cluster = caches["sessions"].client.get_client(write=True)
    owner = cluster.owner_of(name)
    target = next(node for node in cluster.primaries() if node is not owner)
    cluster.slot_move(app_cluster.keyslot(name), owner, target)
    store = SessionStore(key)
    store["note"] = "written after the move"

    store.save()  # MULTI ... EXEC WAIT, first sent to the old owner

    moved = cluster.client(target)
    assert moved.exists(name)
    assert SessionStore(key).load()["note"] == "written after the move"


def test_request_follows_ask_while_its_slot_migrates(own_cluster_site, user):
    cluster = own_cluster_site
    client = Client()
    client.post(
        "/accounts/login/", {"username": "alice", "password": "correct-Horse-battery-9"}
    )
    name = redis_name(client.cookies[settings.SESSION_COOKIE_NAME].value)
    owner = cluster.owner_of(name)
    target = next(node for node in cluster.primaries() if node is not owner)
    slot = cluster.client(owner).cluster("KEYSLOT", name)
    source, destination = cluster.client(owner), cluster.client(target)
    destination.cluster("SETSLOT", slot, "IMPORTING", cluster.node_id(owner))
    source.cluster("SETSLOT", slot, "MIGRATING", cluster.node_id(target))
    keys = source.cluster("GETKEYSINSLOT", slot, 100)
    source.migrate("127.0.0.1", target.port, keys, 0, 5000)

    # Half-way: the slot is still the old owner's, its keys are on the target (ASK).
    page = client.get("/")  # reads, then writes the idle clock (interval 0)

    assert "Signed in as alice" in page.content.decode()
    asking = redis.Redis(port=target.port, single_connection_client=True)
    asking.execute_command("ASKING")
    assert asking.exists(name)  # the session (and its write) went to the target
    asking.close()


@pytest.mark.usefixtures("quick_hasher")
def test_slot_without_a_primary_answers_503_and_other_slots_are_served(
    own_cluster_site,
):
    cluster = own_cluster_site
    stop = threading.Event()
    users = signed_in_users(6, stop)
    groups = by_primary(cluster, users)
    assert len(groups) >= 2
    victim_port, [stranded, *_] = next(iter(groups.items()))
    served = next(group[0] for port, group in groups.items() if port != victim_port)
    victim = next(node for node in cluster.nodes if node.port == victim_port)
    replica = cluster.replica_of(victim)

    cluster.kill(replica)
    cluster.kill(victim)

    response = stranded.client.get("/")
    assert response.status_code == 503
    assert "Sign-in is temporarily unavailable" in response.content.decode()
    assert response["Retry-After"]
    assert served.page().outcome == SIGNED_IN
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    assert f"node 127.0.0.1:{victim_port} is unreachable" in str(error.value)
    assert f"node 127.0.0.1:{replica.port} is unreachable" in str(error.value)
