"""Under ``redis-replicated`` a replica that is down, starting, resyncing or lagging
costs speed, never an error: the primary answers what the replica cannot.

Each test runs a primary and a replica of its own (``tests.helpers.redis_replication``)
and browses as users do: a signup, a sign-in, a signed-in page, and a user who signed
in before the replica faltered. None of it may answer 5xx, and nobody is signed out.
"""

import pytest
import redis
from django.conf import settings
from django.test import Client, override_settings

from accounts.sessions.strategies.redis.replica import replication_of
from tests.factories import PASSWORD, make_user
from tests.helpers.mail import messages_to, verification_path
from tests.helpers.redis_replication import ReplicatedRedis
from tests.helpers.strategies import strategy_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def replicated(tmp_path, settings):
    """A primary with a replica not yet started; the replica is checked on every read."""
    servers = ReplicatedRedis(tmp_path)
    strategy_apply("redis-replicated", settings, servers)
    yield servers
    servers.stop()


@pytest.fixture
def replicated_checked_rarely(tmp_path, settings):
    """As ``replicated``, but the replica's state is checked once a minute."""
    servers = ReplicatedRedis(tmp_path, check_ms=60_000)
    strategy_apply("redis-replicated", settings, servers)
    yield servers
    servers.stop()


def signed_in_as(client: Client) -> str | None:
    """The user the home page greets, or None when it shows a signed-out visitor."""
    page = client.get("/")
    assert page.status_code == 200
    text = page.text
    marker = "Signed in as "
    if marker not in text:
        return None
    return text.split(marker, 1)[1].split("<", 1)[0].strip()


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def client_with_cookie(session_key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client


def signup_form(username: str) -> dict[str, str]:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def signup(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/signup/", signup_form(username))
    assert response.status_code == 302, response.status_code
    # Confirm the address with the link of the message, then sign in.
    message = messages_to(f"{username}@example.com")[-1]
    assert client.post(verification_path(message)).status_code == 302
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client


def signup_signed_in_at_once(username: str) -> Client:
    """Sign up where signup signs in (verification optional): login() and the
    session's saves in the one request, whose write the replica may not have yet."""
    client = Client()
    with override_settings(AUTHSITE_EMAIL_VERIFICATION="optional"):
        response = client.post("/accounts/signup/", signup_form(username))
    assert response.status_code == 302, response.status_code
    return client


def users_browse(*signed_in_before: tuple[Client, str]) -> None:
    """Sign up (signed in at once, and by confirming first), sign in and open
    signed-in pages; every user stays signed in."""
    at_once = signup_signed_in_at_once("erin")
    assert signed_in_as(at_once) == "erin"
    newcomer = signup("carol")
    assert signed_in_as(newcomer) == "carol"
    make_user(username="dave", email="dave@example.com")
    returning = sign_in("dave")
    assert signed_in_as(returning) == "dave"
    assert returning.get("/accounts/profile/").status_code == 200
    assert returning.get("/accounts/sessions/").status_code == 200
    for client, username in signed_in_before:
        assert signed_in_as(client) == username
        assert client.get("/accounts/profile/").status_code == 200


def alice_signed_in() -> tuple[Client, str]:
    make_user(username="alice", email="alice@example.com")
    return sign_in("alice"), "alice"


def test_replica_linked_serves_the_reads_of_signed_in_pages(replicated):
    replicated.replica_start()
    alice = alice_signed_in()
    users_browse(alice)
    replica_reads = replicated.commands(replicated.replica, "mget")
    primary_reads = replicated.commands(replicated.primary, "mget")

    # The profile, not the home page: the home page also lists the user's sessions,
    # which the index reads from the primary by design. A signed-out visitor would
    # be sent to the sign-in page.
    assert alice[0].get("/accounts/profile/").status_code == 200

    assert replicated.commands(replicated.replica, "mget") > replica_reads
    assert replicated.commands(replicated.primary, "mget") == primary_reads


def test_replica_down_users_browse_signed_in(replicated):
    replicated.replica_start()
    alice = alice_signed_in()
    replicated.replica.stop()

    users_browse(alice)


def test_replica_down_from_the_start_users_browse_signed_in(replicated):
    users_browse(alice_signed_in())


def test_replica_starting_not_yet_linked_users_browse_signed_in(replicated):
    replicated.full_syncs_hold()
    alice = alice_signed_in()
    replicated.replica_start(linked=False)

    users_browse(alice)


def test_replica_resyncing_users_browse_signed_in(replicated):
    replicated.replica_start()
    alice = alice_signed_in()
    replicated.replica_point_at(replicated.dead_port())  # the link breaks
    replicated.backlog_overrun()
    replicated.full_syncs_hold()
    replicated.replica_point_at(replicated.primary.port)  # back, for a full resync

    users_browse(alice)


def test_replica_resyncing_does_not_keep_a_session_ended_meanwhile(replicated):
    replicated.replica_start()
    alice, _ = alice_signed_in()
    cookie = session_cookie(alice)
    replicated.replica_point_at(replicated.dead_port())  # the link breaks
    assert alice.post("/accounts/logout/").status_code == 302
    replicated.backlog_overrun()
    replicated.full_syncs_hold()
    replicated.replica_point_at(replicated.primary.port)  # back, for a full resync

    # The replica still holds the session: whoever kept the cookie must not get in.
    assert signed_in_as(client_with_cookie(cookie)) is None


def test_replica_lagging_users_browse_signed_in(replicated):
    replicated.replica_start(through_link=True)
    alice = alice_signed_in()
    replicated.link.stall()

    users_browse(alice)


def test_replica_lagging_does_not_keep_a_session_ended_on_another_server(
    replicated, session_redis_key
):
    replicated.replica_start(through_link=True)
    alice, _ = alice_signed_in()
    replicated.link.stall()
    # Another app server signs alice out: the primary no longer has her session.
    primary = redis.Redis(port=replicated.primary.port, db=1)
    primary.delete(session_redis_key(session_cookie(alice)))
    primary.close()

    assert signed_in_as(alice) is None


def test_replica_lagging_between_checks_users_browse_signed_in(
    replicated_checked_rarely,
):
    # The replica was fine at the last check and stalls after it.
    replicated_checked_rarely.replica_start(through_link=True)
    alice = alice_signed_in()
    replicated_checked_rarely.link.stall()

    users_browse(alice)


def test_session_ended_here_not_yet_on_the_replica_is_read_from_the_primary(
    replicated_checked_rarely,
):
    # The replica was fine at the last check and stalls after it: only the
    # unacknowledged delete tells this process to read that key from the primary.
    replicated_checked_rarely.replica_start(through_link=True)
    alice, _ = alice_signed_in()
    cookie = session_cookie(alice)
    replicated_checked_rarely.link.stall()
    assert alice.post("/accounts/logout/").status_code == 302

    assert signed_in_as(client_with_cookie(cookie)) is None


def test_session_written_on_another_server_missing_from_the_replica_is_found(
    replicated_checked_rarely,
):
    replicated_checked_rarely.replica_start(through_link=True)
    alice_signed_in()
    replicated_checked_rarely.link.stall()
    newcomer = signup("carol")
    # As on another app server, which never saw carol's session written.
    replication_of(tuple(settings.CACHES["sessions"]["LOCATION"])).pending.clear()

    assert signed_in_as(newcomer) == "carol"


def test_replica_gone_between_checks_users_browse_signed_in(
    replicated_checked_rarely,
):
    replicated_checked_rarely.replica_start()
    alice = alice_signed_in()
    replicated_checked_rarely.replica.stop()

    users_browse(alice)


def test_replica_starting_not_yet_linked_signup_signs_in_at_once(replicated):
    # The first request a new site serves, while its replica is up but has not
    # linked: the signup's session, written on the primary, is absent on the replica.
    replicated.full_syncs_hold()
    replicated.replica_start(linked=False)

    newcomer = signup_signed_in_at_once("erin")

    assert signed_in_as(newcomer) == "erin"
