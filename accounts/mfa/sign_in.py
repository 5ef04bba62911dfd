"""The second step of a sign-in: a browser's, kept in its session, and an API
client's, behind a single-use mfa_token.

The step offers the user's methods (``selectors.mfa_methods``). A code from the app
or a recovery code is checked by ``services.mfa_code_check``; a method that proves
itself another way (a passkey) completes the step by calling ``mfa_sign_in_complete``
(browser) or ``mfa_token_complete`` (API) with the RFC 8176 ``amr`` values it proved.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.http import HttpRequest

from accounts.mfa.selectors import mfa_methods
from accounts.mfa.services import AMR_BY_METHOD, CodeInvalid, mfa_code_check
from accounts.models import User
from accounts.reauthentication import reauthentication_mark
from accounts.services import token_pairs
from accounts.sessions import metadata
from accounts.tokens.issue import TokenPair

#: How long the state between password and second factor lives (seconds).
PENDING_SECONDS = 300
#: Wrong codes that end a second step.
MAX_ATTEMPTS = 5
PENDING_SESSION_KEY = "_mfa_pending"
MFA_TOKEN_KEY = "mfa:token:{token}"  # noqa: S105 - a Redis key pattern
MFA_TOKEN_FAILURES_KEY = "mfa:token-failures:{token}"  # noqa: S105 - a Redis key


class SecondStepEnded(Exception):
    """No second step is under way: none begun, too old, or ended by wrong codes."""


@dataclass(frozen=True)
class PendingSignIn:
    """A browser between its right password and its second factor."""

    user: User
    remember: bool
    methods: list[str]


def _failure_count(*, request: HttpRequest, user: User) -> None:
    # Counted by django-axes as a failed sign-in of this account from this address
    # (and written to the user's activity), like a wrong password.
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def mfa_sign_in_begin(
    *, request: HttpRequest, user: User, remember: bool, next_url: str = ""
) -> None:
    """Hold ``user``, whose password was right, until the second factor: in this
    browser's session only, for PENDING_SECONDS; then go to ``next_url``."""
    backend = getattr(user, "backend", None)
    request.session[PENDING_SESSION_KEY] = {
        "uid": user.pk,
        "at": int(time.time()),
        "fails": 0,
        "remember": remember,
        "backend": backend,
        "next": next_url,
    }


def _pending_data(request: HttpRequest) -> dict[str, Any] | None:
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if int(time.time()) - int(data.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return data


def mfa_sign_in_pending(*, request: HttpRequest) -> PendingSignIn | None:
    """The sign-in waiting for its second factor in this browser, if any."""
    data = _pending_data(request)
    if data is None:
        return None
    user = User.objects.filter(pk=data["uid"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return PendingSignIn(
        user=user, remember=bool(data["remember"]), methods=mfa_methods(user=user)
    )


def mfa_sign_in_next(*, request: HttpRequest) -> str:
    """Where the sign-in under way goes once done ("" when unsaid)."""
    data = _pending_data(request) or {}
    return str(data.get("next") or "")


def mfa_sign_in_cancel(*, request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


def mfa_sign_in_code(*, request: HttpRequest, code: str) -> User:
    """Complete the browser's second step with ``code``; return the signed-in user.

    A wrong code counts towards the sign-in lockout and raises CodeInvalid; the
    MAX_ATTEMPTS-th ends the step (SecondStepEnded from then on).
    """
    pending = mfa_sign_in_pending(request=request)
    if pending is None:
        raise SecondStepEnded
    try:
        method = mfa_code_check(user=pending.user, code=code)
    except CodeInvalid:
        data = request.session[PENDING_SESSION_KEY]
        fails = int(data["fails"]) + 1
        if fails >= MAX_ATTEMPTS:
            request.session.pop(PENDING_SESSION_KEY, None)
        else:
            request.session[PENDING_SESSION_KEY] = {**data, "fails": fails}
        _failure_count(request=request, user=pending.user)
        raise
    mfa_sign_in_complete(request=request, user=pending.user, amr=AMR_BY_METHOD[method])
    return pending.user


def mfa_sign_in_complete(*, request: HttpRequest, user: User, amr: list[str]) -> None:
    """Sign ``user`` in to this browser, the second step done with ``amr`` (RFC 8176
    values). For a method that proves itself outside this module (a passkey)."""
    data = _pending_data(request) or {}
    signed_in = getattr(request, "user", None)
    if signed_in is not None and signed_in.is_authenticated and signed_in.pk != user.pk:
        # Another account's session in this browser ends first (login() would flush
        # it, and the amr written below with it).
        logout(request)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session[metadata.AMR_KEY] = list(amr)
    # login() renews the session key: the key of the half-signed-in browser is not
    # the key of the signed-in one.
    login(request, user, backend=data.get("backend") or _default_backend())
    if data and not data.get("remember", True):
        request.session.set_expiry(0)
    reauthentication_mark(request=request)


def _default_backend() -> str:
    from django.conf import settings

    return str(settings.AUTHENTICATION_BACKENDS[-1])


def mfa_token_issue(*, user: User) -> str:
    """A single-use token naming ``user`` for the second step of the API."""
    token = secrets.token_urlsafe(32)
    cache.set(MFA_TOKEN_KEY.format(token=token), user.pk, PENDING_SECONDS)
    return token


def mfa_token_user(*, token: str) -> User:
    """The user an unused ``mfa_token`` names; raise SecondStepEnded."""
    if not token or len(token) > 100:
        raise SecondStepEnded
    user_id = cache.get(MFA_TOKEN_KEY.format(token=token))
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise SecondStepEnded
    return user


def mfa_token_code(*, request: HttpRequest, token: str, code: str) -> TokenPair:
    """Redeem ``token`` with ``code`` for a token pair carrying the method's ``amr``.

    A wrong code counts towards the sign-in lockout and raises CodeInvalid; the
    MAX_ATTEMPTS-th ends the token. Raise SecondStepEnded for a token not (or no
    longer) valid.
    """
    user = mfa_token_user(token=token)
    try:
        method = mfa_code_check(user=user, code=code)
    except CodeInvalid:
        failures_key = MFA_TOKEN_FAILURES_KEY.format(token=token)
        cache.add(failures_key, 0, PENDING_SECONDS)
        if cache.incr(failures_key) >= MAX_ATTEMPTS:
            cache.delete(MFA_TOKEN_KEY.format(token=token))
        _failure_count(request=request, user=user)
        raise
    return mfa_token_complete(
        request=request, token=token, user=user, amr=AMR_BY_METHOD[method]
    )


def mfa_token_complete(
    *, request: HttpRequest, token: str, user: User, amr: list[str]
) -> TokenPair:
    """Use ``token`` up and issue the pair for ``user``, the second step done with
    ``amr``. For a method that proves itself outside this module (a passkey)."""
    # Deleting is the single use: of two requests with the same token one wins.
    if not cache.delete(MFA_TOKEN_KEY.format(token=token)):
        raise SecondStepEnded
    return token_pairs.token_pair_obtain(request=request, user=user, amr=amr)
