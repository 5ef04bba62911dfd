"""Signing in through the login page, reading the session cookie it sets, and moving
the session's clocks."""

import time

from django.conf import settings
from django.test import Client

from accounts.reauthentication import MARK_KEY
from accounts.sessions.timeouts import SEEN_KEY, STARTED_KEY
from tests.factories import PASSWORD


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    """POST the login form as ``username``; return the response."""
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}
    )


def signed_in_client(username: str = "alice", **extra) -> Client:
    """A new browser (``extra``: its headers, e.g. REMOTE_ADDR) signed in as
    ``username``."""
    client = Client(**extra)
    assert sign_in(client, username).status_code == 302
    return client


def session_key_of(client) -> str:
    """The session key in ``client``'s session cookie."""
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sign_in_age(client, seconds: int) -> None:
    """Move the sign-in (and any re-authentication) of ``client``'s session
    ``seconds`` into the past, under any strategy, as if that much time had gone by."""
    session = client.session
    for key in (STARTED_KEY, MARK_KEY):
        if key in session:
            session[key] = session[key] - seconds
    session.save()
    # Cookie-held sessions (signed cookies, jwt) change their key when saved.
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def shift_session_clock(client, *, started_ago: int, seen_ago: int) -> None:
    """Set ``client``'s session to have begun ``started_ago`` and been last seen
    ``seen_ago`` seconds ago, under any strategy."""
    session = client.session
    now = int(time.time())
    session[STARTED_KEY] = now - started_ago
    session[SEEN_KEY] = now - seen_ago
    session.save()
    # A signed-cookie session's key is its data: hand the browser the new one.
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
