"""Cookie names of the tokens (JWT_COOKIE=1 for the API; always under ``jwt``).

Secure cookies carry a name prefix that browsers enforce: ``__Host-`` for the access
token (Secure, Path=/, no Domain) and ``__Secure-`` for the refresh token, because a
``__Host-`` cookie must have Path=/ and the API's refresh cookie is sent to the refresh
endpoint only.
"""

from __future__ import annotations

from django.conf import settings


def cookie_mode() -> bool:
    """Whether the API hands its tokens out in HttpOnly cookies (JWT_COOKIE=1)."""
    return bool(settings.JWT_COOKIE)


def cookies_secure() -> bool:
    # The same decision as the session cookie's (on whenever DEBUG is off), so the
    # jwt strategy's page cookie and these names never disagree.
    return bool(settings.SESSION_COOKIE_SECURE)


def access_cookie_name(*, secure: bool | None = None) -> str:
    """The access token's cookie; ``secure`` defaults to the current settings."""
    return "__Host-access" if _secure(secure) else "access"


def refresh_cookie_name(*, secure: bool | None = None) -> str:
    """The refresh token's cookie; ``secure`` defaults to the current settings."""
    return "__Secure-refresh" if _secure(secure) else "refresh"


def _secure(secure: bool | None) -> bool:
    return cookies_secure() if secure is None else secure
