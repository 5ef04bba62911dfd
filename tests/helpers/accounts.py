"""Signing in through the login page, and reading the session cookie it sets."""

from django.conf import settings

from accounts.reauthentication import MARK_KEY
from accounts.sessions.timeouts import STARTED_KEY
from tests.factories import PASSWORD


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    """POST the login form as ``username``; return the response."""
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}
    )


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
