"""Signing in through the login page, and reading the session cookie it sets."""

from django.conf import settings

from tests.factories import PASSWORD


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    """POST the login form as ``username``; return the response."""
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}
    )


def session_key_of(client) -> str:
    """The session key in ``client``'s session cookie."""
    return client.cookies[settings.SESSION_COOKIE_NAME].value
