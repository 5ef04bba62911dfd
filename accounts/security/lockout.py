"""Sign-in lockout glue for django-axes: one key per account, one lockout answer.

django-axes counts failed sign-ins in Redis for the HTML form, the admin and the API
token endpoint alike (they all call authenticate()), per account and per (account,
client address). The account is the user the name given signs in as, so its username
and its email, in any letter case, share one counter; a name that matches no account
is counted as given, so that an unknown name locks exactly like a known one and the
lock says nothing about which names exist. These functions are named in settings
(AXES_USERNAME_CALLABLE, AXES_LOCKOUT_CALLABLE).
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cache, get_client_cache_keys, get_cool_off
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext
from rest_framework import status
from rest_framework.exceptions import APIException


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
        # Translated when raised: in the language of the request (Accept-Language).
        message = ngettext(
            "Too many failed sign-in attempts for this account from your "
            "address. Try again in %(minutes)d minute.",
            "Too many failed sign-in attempts for this account from your "
            "address. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(message)
        self.wait = wait


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The name the counters are kept under: ``account:<id>`` for a name that signs in
    as an account (its username or email, any letter case), else ``name:<the name in
    lower case>``. The two prefixes cannot collide."""
    value = (credentials or {}).get("username")
    if value is None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username", "") if hasattr(data, "get") else ""
    name = str(value).strip().lower()[:254]
    # django-axes asks several times per request: look the account up once.
    known: dict[str, str] = request.__dict__.setdefault("_lockout_names", {})
    if name not in known:
        known[name] = _lockout_key(name)
    return known[name]


def _lockout_key(name: str) -> str:
    # The lookup the sign-in backend makes (accounts.backends): "@" means an email.
    lookup = "email__iexact" if "@" in name else "username__iexact"
    user_id = (
        get_user_model()
        ._default_manager.filter(**{lookup: name})
        .values_list("pk", flat=True)
        .first()
        if name
        else None
    )
    return f"account:{user_id}" if user_id is not None else f"name:{name}"


def failures_reset(*, request: Any, user: Any) -> None:
    """Forget the failed attempts of this (username, address) after a good sign-in.

    The form's sign-in reaches django-axes through the user_logged_in signal; the API
    sends no such signal (it would also stamp a browser session), so it calls this.
    """
    AxesProxyHandler.user_logged_in(sender=None, request=request, user=user)


def is_locked(*, request: HttpRequest, credentials: dict[str, Any]) -> bool:
    """Whether sign-ins with ``credentials`` from this request's address are locked
    now (checked before a second factor is, which authenticate() does not see)."""
    return bool(AxesProxyHandler.is_locked(request, credentials))


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
