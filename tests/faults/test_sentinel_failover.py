"""redis-sentinel: the Redis primary dies under signed-in users, and nobody is signed out.

Real servers only: a primary, two replicas and three Sentinels (quorum 2) started here,
and the site served by gunicorn (2 workers of 4 threads, so session writes from
concurrent threads share connection pools as in production). gunicorn rather than
pytest-django's live server because the site must build its Sentinel connection pools
from its own environment, in worker processes, as a deployment would.

How long requests failed is measured and printed (and written to
``var/faults/sentinel-failover-<signal>.txt``), never asserted: it depends on the
machine and on Sentinel's timers.
"""

import os
import platform
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from authsite.embedded_redis import EmbeddedRedis
from tests.factories import PASSWORD
from tests.faults.failover_users import (
    ERROR,
    SESSION_COOKIE,
    SIGNED_IN,
    SIGNED_OUT,
    FailoverReport,
    SimulatedUser,
    settled,
    user_window,
)
from tests.faults.sentinel_cluster import MASTER, SentinelCluster
from tests.helpers.live_site import Gunicorn, manage, site_env

# Over the default run's budget: `make test-slow` runs it (CI does too).
pytestmark = pytest.mark.slow

USERS = 12
PAUSE = 0.1  # seconds between one user's requests
SETTLED_SECONDS = 3.0  # signed-in pages only, for this long, ends the run
GIVE_UP_SECONDS = 30.0
REPORT_DIR = Path(settings.BASE_DIR) / "var" / "faults"

CREATE_USERS = """
from accounts.models import User
for n in range({users}):
    User.objects.create_user(
        username=f"failover{{n}}", email=f"failover{{n}}@example.com",
        password={password!r},
    )
"""


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def database_url(path: Path) -> str:
    return f"sqlite:///{path}?timeout=30&transaction_mode=IMMEDIATE"


@pytest.fixture(scope="module")
def database_with_users():
    """A migrated SQLite file with the simulated users, copied by each test."""
    workdir = Path(tempfile.mkdtemp(prefix="authsite-sentinel-db-"))
    env = site_env(
        database_url=database_url(workdir / "db.sqlite3"),
        redis_url=settings.REDIS_URL,
        key_prefix=settings.REDIS_KEY_PREFIX,
        var_dir=workdir,
    )
    manage(env, "migrate", "--no-input")
    manage(env, "shell", "-c", CREATE_USERS.format(users=USERS, password=PASSWORD))
    yield workdir / "db.sqlite3"
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def sentinel_site(database_with_users):
    """The cluster and gunicorn serving the site with its sessions behind Sentinel."""
    workdir = Path(tempfile.mkdtemp(prefix="authsite-sentinel-failover-"))
    shutil.copy(database_with_users, workdir / "db.sqlite3")
    cluster = SentinelCluster(workdir / "redis")
    server = None
    try:
        cluster.start()
        env = site_env(
            database_url=database_url(workdir / "db.sqlite3"),
            # Throttles and lockout stay on the run's shared Redis (this run's prefix,
            # cleaned after the test); only the sessions go through Sentinel.
            redis_url=settings.REDIS_URL,
            key_prefix=settings.REDIS_KEY_PREFIX,
            var_dir=workdir,
            AUTHSITE_SESSION_STRATEGY="redis-sentinel",
            REDIS_SENTINELS=cluster.sentinel_addresses,
            REDIS_SENTINEL_MASTER=MASTER,
        )
        server = Gunicorn(env, workers=2, threads=4, log_path=workdir / "gunicorn.log")
        server.start()
        cluster.wait_ready()
        yield cluster, server
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def session_redis_key(session_key: str) -> str:
    # The redis engines' key: prefix, cache version 1, "s:", the session key.
    return f"{settings.REDIS_KEY_PREFIX}:1:s:{session_key}"


def users_run_until_settled(users, cluster, *, since: float) -> float | None:
    """Let the users browse until all have seen only signed-in pages for a while;
    return when the Sentinels named a new primary (monotonic), if they did."""
    old_primary = ("127.0.0.1", cluster.primary.port)
    switched_at = None
    deadline = since + GIVE_UP_SECONDS
    while time.monotonic() < deadline:
        if switched_at is None:
            address = cluster.primary_address()
            if address is not None and address != old_primary:
                switched_at = time.monotonic()
        if switched_at is not None and all(
            settled(u, since=since, seconds=SETTLED_SECONDS) for u in users
        ):
            break
        time.sleep(0.1)
    return switched_at


def failover_with_users(cluster, server, *, how: signal.Signals, then=None):
    """Sign the users in, stop the primary with ``how``, browse until all are settled,
    run ``then()`` if given (the users still browsing); return the users, the time of
    the stop and the time the Sentinels named the new primary."""
    stop = threading.Event()
    users = [
        SimulatedUser(
            server.url,
            username=f"failover{n}",
            password=PASSWORD,
            stop=stop,
            pause=PAUSE,
        )
        for n in range(USERS)
    ]
    # The last user signs in the instant before the primary goes: the write that
    # creates its session is the one most at risk.
    last_moment = users[-1]
    try:
        for user in users[:-1]:
            user.start()
        wait_for(
            lambda: all(u.signed_in_pages() >= 3 or u.failure for u in users[:-1]),
            timeout=30,
            what="every user to be signed in",
        )
        last_moment.sign_in()
        cluster.primary.process.send_signal(how)
        stopped_at = time.monotonic()
        last_moment.start()
        switched_at = users_run_until_settled(users, cluster, since=stopped_at)
        if then is not None and switched_at is not None:
            then()
    finally:
        stop.set()
        for user in users:
            if user.is_alive():
                user.join(timeout=15)
    return users, stopped_at, switched_at


def report_write(users, *, name: str, stopped_at: float, switched_at) -> None:
    report = FailoverReport(
        how=name,
        users=[user_window(u, since=stopped_at) for u in users],
        requests=sum(1 for u in users for s in u.samples if s.answered >= stopped_at),
        sentinel_switched=(
            switched_at - stopped_at if switched_at is not None else None
        ),
        machine=machine(),
    )
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"sentinel-failover-{name}.txt").write_text(report.text() + "\n")
    print("\n" + report.text())


def assert_nobody_signed_out(users, *, switched_at) -> None:
    assert [u.failure for u in users if u.failure] == []
    signed_out = [
        (u.username, s) for u in users for s in u.samples if s.outcome == SIGNED_OUT
    ]
    assert signed_out == []  # a session lost, or a signed-out page on a valid one
    errors = [(u.username, s) for u in users for s in u.samples if s.outcome == ERROR]
    assert errors == []  # the 503 page is the only failure allowed
    assert switched_at is not None
    assert all(u.samples and u.samples[-1].outcome == SIGNED_IN for u in users)
    # The cookie still names the session of the sign-in: nobody was signed in again.
    assert all(u.client.cookies.get(SESSION_COOKIE) == u.session_key for u in users)


def sessions_held(port: int, users) -> list[bool]:
    store = redis.Redis(port=port, db=1)
    try:
        return [bool(store.exists(session_redis_key(u.session_key))) for u in users]
    finally:
        store.close()


def assert_sessions_on_promoted_replica(users, cluster) -> None:
    new_primary = cluster.primary_address()
    assert new_primary is not None
    assert new_primary[1] in {replica.port for replica in cluster.replicas}
    # Every session written before the failover is on the promoted replica.
    assert all(sessions_held(new_primary[1], users))


def test_signed_in_users_stay_signed_in_when_the_primary_shuts_down(sentinel_site):
    cluster, server = sentinel_site

    users, stopped_at, switched_at = failover_with_users(
        cluster, server, how=signal.SIGTERM
    )
    report_write(users, name="SIGTERM", stopped_at=stopped_at, switched_at=switched_at)

    assert_nobody_signed_out(users, switched_at=switched_at)
    assert_sessions_on_promoted_replica(users, cluster)


def test_signed_in_users_stay_signed_in_when_the_primary_crashes_and_returns_empty(
    sentinel_site,
):
    """The primary is killed; once the users are back, it restarts with no data (no
    persistence) while they browse on: the site keeps to the new primary, and Sentinel
    makes the old one its replica (which copies the sessions, not the other way)."""
    cluster, server = sentinel_site
    old = cluster.primary

    def old_primary_back() -> None:
        back = EmbeddedRedis(old.directory, port=old.port)
        cluster.extra.append(back)
        back.start()
        client = redis.Redis(port=back.port, decode_responses=True)
        try:
            wait_for(
                lambda: client.info("replication").get("master_link_status") == "up",
                timeout=GIVE_UP_SECONDS,
                what="Sentinel to make the old primary a replica",
            )
        finally:
            client.close()
        time.sleep(SETTLED_SECONDS)  # the users browse on beside it

    users, stopped_at, switched_at = failover_with_users(
        cluster, server, how=signal.SIGKILL, then=old_primary_back
    )
    report_write(users, name="SIGKILL", stopped_at=stopped_at, switched_at=switched_at)

    assert_nobody_signed_out(users, switched_at=switched_at)
    assert_sessions_on_promoted_replica(users, cluster)
    assert all(sessions_held(old.port, users))
