"""The session index stays consistent with the store through every way a session ends."""

import time

import pytest
from django.test import Client

from accounts import services
from accounts.models import AuthEvent
from accounts.selectors import sessions_for_user
from accounts.sessions import timeouts
from tests.factories import PASSWORD
from tests.helpers.accounts import session_key_of, sign_in, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("server_strategy")]

FIREFOX = (
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"
)
NEW_PASSWORD = "a-Brand-new-passphrase-7"


def browser(username="alice", **extra):
    return signed_in_client(username, HTTP_USER_AGENT=FIREFOX, **extra)


def test_login_adds_an_entry_with_ip_device_and_remember_me(user):
    client = Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.7")
    sign_in(client, "alice", remember_me="on")

    [entry] = sessions_for_user(user=user, current_session_key=session_key_of(client))

    assert entry.current
    assert entry.ip == "203.0.113.7"
    assert entry.device == "Firefox 126 on Ubuntu"
    assert entry.remember_me is True
    assert entry.created is not None
    assert entry.last_seen == entry.created
    assert entry.expires > entry.created


def test_entry_id_is_opaque_never_the_session_key(user):
    client = browser()

    [entry] = sessions_for_user(user=user)

    assert entry.id
    assert entry.id != session_key_of(client)
    assert entry.id not in session_key_of(client)


def test_logout_removes_the_entry(user, store):
    client = browser()
    other = browser()
    key = session_key_of(client)

    client.post("/accounts/logout/")

    assert [
        e.current for e in sessions_for_user(user=user, current_session_key=key)
    ] == [False]
    assert store.lacks(key)
    assert store.holds(session_key_of(other))


def test_session_past_its_timeout_leaves_the_index(user, settings):
    client = browser()
    session = client.session
    idle = settings.AUTHSITE_SESSION_IDLE_TIMEOUT
    session[timeouts.STARTED_KEY] = int(time.time()) - idle - 10
    session[timeouts.SEEN_KEY] = int(time.time()) - idle - 1
    session.save()

    assert sessions_for_user(user=user) == []


def test_expiry_noticed_on_a_request_ends_the_session_and_records_it(user, store):
    client = browser()
    key = session_key_of(client)
    session = client.session
    session[timeouts.SEEN_KEY] = 1
    session.save()

    assert "You are not signed in" in client.get("/").text
    assert store.lacks(key)
    assert AuthEvent.objects.filter(user=user, kind="expired").count() == 1


def test_revoke_deletes_from_store_and_index(user, store):
    client = browser()
    key = session_key_of(client)
    [entry] = sessions_for_user(user=user)

    assert services.session_revoke(user=user, session_id=entry.id) is True

    assert store.lacks(key)
    assert sessions_for_user(user=user) == []
    assert AuthEvent.objects.filter(user=user, kind="revoke").count() == 1


def test_revoked_session_is_signed_out_on_next_request(user):
    mine = browser()
    theirs = browser()
    theirs_id = next(
        e.id
        for e in sessions_for_user(user=user, current_session_key=session_key_of(mine))
        if not e.current
    )

    response = mine.post("/accounts/sessions/revoke/", {"session_id": theirs_id})

    assert response.status_code == 302
    assert "You are not signed in" in theirs.get("/").text
    assert "Signed in as alice" in mine.get("/").text


def test_revoking_another_users_session_changes_nothing(user, other_user, store):
    bobs = browser("bob")
    [bob_entry] = sessions_for_user(user=other_user)

    assert services.session_revoke(user=user, session_id=bob_entry.id) is False

    assert store.holds(session_key_of(bobs))
    assert len(sessions_for_user(user=other_user)) == 1


def test_sign_out_all_other_sessions_keeps_this_one(user, store):
    mine = browser()
    others = [browser(), browser()]

    page = mine.post("/accounts/sessions/revoke-others/", follow=True)

    assert "2 other sessions were signed out" in page.text
    for other in others:
        assert store.lacks(session_key_of(other))
        assert "You are not signed in" in other.get("/").text
    [entry] = sessions_for_user(user=user, current_session_key=session_key_of(mine))
    assert entry.current


def test_password_change_leaves_only_this_session_in_the_index(user, store):
    mine = browser()
    other = browser()

    mine.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    [entry] = sessions_for_user(user=user, current_session_key=session_key_of(mine))
    assert entry.current
    assert store.lacks(session_key_of(other))
    assert AuthEvent.objects.filter(user=user, kind="password_change").count() == 1


def test_sessions_revoke_all_ends_every_session(user, store):
    clients = [browser(), browser()]

    assert services.sessions_revoke_all(user=user) == 2

    assert sessions_for_user(user=user) == []
    for client in clients:
        assert store.lacks(session_key_of(client))


def test_new_sign_in_beyond_the_limit_ends_the_least_recently_used(user, settings):
    settings.AUTHSITE_MAX_SESSIONS_PER_USER = 2
    oldest, recent = browser(), browser()
    session = oldest.session
    session[timeouts.SEEN_KEY] -= 120
    session.save()
    session = recent.session
    session[timeouts.SEEN_KEY] -= 60
    session.save()

    newest = browser()

    assert "You are not signed in" in oldest.get("/").text
    assert "Signed in as alice" in recent.get("/").text
    assert "Signed in as alice" in newest.get("/").text
    assert len(sessions_for_user(user=user)) == 2
    assert AuthEvent.objects.filter(user=user, kind="limit").count() == 1


def test_touch_after_a_minute_moves_last_seen_in_the_list(user):
    client = browser()
    session = client.session
    session[timeouts.SEEN_KEY] -= 90
    session.save()

    client.get("/")

    [entry] = sessions_for_user(user=user)
    assert time.time() - entry.last_seen.timestamp() < 5
