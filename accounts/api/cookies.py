"""JWT_COOKIE=1: the API hands its tokens out as HttpOnly cookies instead of in the
JSON body. The names are the token domain's (``accounts.tokens.cookies``)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse

from accounts.selectors import tokens_are_sessions
from accounts.tokens.cookies import (
    access_cookie_name,
    cookies_secure,
    refresh_cookie_name,
)


def refresh_cookie_path() -> str:
    # Under the jwt strategy every page renews the access token from this cookie.
    return "/" if tokens_are_sessions() else reverse("api-token-refresh")


def tokens_set(
    *, request: HttpRequest, response: HttpResponse, access: str, refresh: str
) -> None:
    """Put both tokens in cookies, and make sure the CSRF cookie is set too."""
    secure = cookies_secure()
    response.set_cookie(
        access_cookie_name(),
        access,
        max_age=settings.JWT_ACCESS_TOKEN_LIFETIME,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
    response.set_cookie(
        refresh_cookie_name(),
        refresh,
        max_age=settings.JWT_REFRESH_TOKEN_LIFETIME,
        path=refresh_cookie_path(),
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
    # Cookie-authenticated unsafe requests need the CSRF token: hand it out now.
    get_token(request)


def tokens_clear(*, response: HttpResponse) -> None:
    """Delete both token cookies."""
    response.delete_cookie(access_cookie_name(), path="/", samesite="Lax")
    response.delete_cookie(
        refresh_cookie_name(), path=refresh_cookie_path(), samesite="Lax"
    )
