"""JWT_COOKIE=1: the tokens travel as HttpOnly cookies instead of in the JSON body.

Secure cookies carry a name prefix that browsers enforce: ``__Host-`` for the access
token (Secure, Path=/, no Domain) and ``__Secure-`` for the refresh token, because a
``__Host-`` cookie must have Path=/ and the refresh cookie is sent to the refresh
endpoint only.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse


def cookie_mode() -> bool:
    return settings.JWT_COOKIE


def _secure() -> bool:
    # The same decision as the session cookie's (on whenever DEBUG is off), so the
    # jwt strategy's page cookie and these names never disagree.
    return settings.SESSION_COOKIE_SECURE


def access_cookie_name() -> str:
    return "__Host-access" if _secure() else "access"


def refresh_cookie_name() -> str:
    return "__Secure-refresh" if _secure() else "refresh"


def refresh_cookie_path() -> str:
    from accounts.sessions.tokens import tokens_are_sessions

    # Under the jwt strategy every page renews the access token from this cookie.
    return "/" if tokens_are_sessions() else reverse("api-token-refresh")


def tokens_set(
    *, request: HttpRequest, response: HttpResponse, access: str, refresh: str
) -> None:
    """Put both tokens in cookies, and make sure the CSRF cookie is set too."""
    common = {"httponly": True, "samesite": "Lax", "secure": _secure()}
    response.set_cookie(
        access_cookie_name(),
        access,
        max_age=settings.JWT_ACCESS_TOKEN_LIFETIME,
        path="/",
        **common,
    )
    response.set_cookie(
        refresh_cookie_name(),
        refresh,
        max_age=settings.JWT_REFRESH_TOKEN_LIFETIME,
        path=refresh_cookie_path(),
        **common,
    )
    # Cookie-authenticated unsafe requests need the CSRF token: hand it out now.
    get_token(request)


def tokens_clear(*, response: HttpResponse) -> None:
    response.delete_cookie(access_cookie_name(), path="/", samesite="Lax")
    response.delete_cookie(
        refresh_cookie_name(), path=refresh_cookie_path(), samesite="Lax"
    )
