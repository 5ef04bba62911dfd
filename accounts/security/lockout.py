"""Sign-in lockout glue for django-axes: one username key, one lockout answer.

django-axes counts failed sign-ins per (username, client address) in Redis for the HTML
form, the admin and the API token endpoint alike (they all call authenticate()). These
functions are named in settings (AXES_USERNAME_CALLABLE, AXES_LOCKOUT_CALLABLE).
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cache, get_client_cache_keys, get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from rest_framework import status
from rest_framework.exceptions import APIException

MESSAGE = (
    "Too many failed sign-in attempts for this account from your address. "
    "Try again in {minutes}."
)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Every sign-in a client can reach (form, admin, API) passes its request. Code of our
    own that calls authenticate() without one (a script, a test) is not a client to lock
    out, so it skips the check instead of failing as django-axes would.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, *, wait: int) -> None:
        minutes = max(1, -(-wait // 60))
        span = "1 minute" if minutes == 1 else f"{minutes} minutes"
        super().__init__(MESSAGE.format(minutes=span))
        self.wait = wait


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username the counters are kept under: any letter case counts as one name."""
    value = (credentials or {}).get("username")
    if value is None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username", "") if hasattr(data, "get") else ""
    return str(value).strip().lower()[:254]


def failures_reset(*, request: Any, user: Any) -> None:
    """Forget the failed attempts of this (username, address) after a good sign-in.

    The form's sign-in reaches django-axes through the user_logged_in signal; the API
    sends no such signal (it would also stamp a browser session), so it calls this.
    """
    AxesProxyHandler.user_logged_in(sender=None, request=request, user=user)


def is_locked_out(request: Any) -> bool:
    """Whether the authenticate() call just made on ``request`` met a lockout."""
    return bool(getattr(request, "axes_locked_out", False))


def seconds_left(request: Any, credentials: dict | None) -> int:
    """Seconds until the lock on this (username, address) runs out."""
    cool_off = int(get_cool_off(request).total_seconds())
    cache = get_cache()
    left = [cache.ttl(key) or 0 for key in get_client_cache_keys(request, credentials)]
    return max([cool_off if t is None or t < 0 else t for t in left] or [cool_off])


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: dict | None,
) -> HttpResponse:
    """429 with Retry-After: JSON under /api/, the form with its message on our login
    page (the form put the message there), a short page elsewhere (the admin)."""
    wait = seconds_left(request, credentials)
    message = LockedOut(wait=wait).detail
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": str(message), "code": "locked_out"}, status=429
        )
    elif request.path == reverse("login") and original_response is not None:
        response = original_response
        response.status_code = 429
    else:
        response = render(
            request, "accounts/locked_out.html", {"message": message}, status=429
        )
    response["Retry-After"] = str(wait)
    return response
