"""Writes of second factors: enrol and remove them, check codes, and the second step
of a sign-in (a browser's, kept in its session; an API client's, behind an mfa_token).

The second step is a list of methods (``selectors.mfa_methods``). A code from the app
or a recovery code is checked here; a method that proves itself another way (a
passkey) completes the step by calling ``mfa_sign_in_complete`` (browser) or
``mfa_token_complete`` (API) with the RFC 8176 ``amr`` values it proved.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import format_lazy

from accounts.emails import security_email_send
from accounts.mfa import passkeys, recovery_codes, totp
from accounts.mfa.selectors import (
    METHOD_RECOVERY_CODE,
    METHOD_TOTP,
    PENDING_TOTP_KEY,
    mfa_enabled,
    mfa_methods,
)
from accounts.models import Authenticator, AuthEvent, User
from accounts.reauthentication import reauthentication_mark
from accounts.services import auth_events, token_pairs
from accounts.sessions import metadata
from accounts.tokens.issue import TokenPair

#: How long the state between password and second factor lives (seconds).
PENDING_SECONDS = 300
#: Wrong codes that end a second step.
MAX_ATTEMPTS = 5
#: How long an enrolment begun waits for its confirming code.
ENROLMENT_SECONDS = 600
PENDING_SESSION_KEY = "_mfa_pending"
MFA_TOKEN_KEY = "mfa:token:{token}"  # noqa: S105 - a Redis key pattern
MFA_TOKEN_FAILURES_KEY = "mfa:token-failures:{token}"  # noqa: S105 - a Redis key
AMR_BY_METHOD = {
    METHOD_TOTP: ["pwd", "otp", "mfa"],
    METHOD_RECOVERY_CODE: ["pwd", "otp", "mfa"],
}


class CodeInvalid(Exception):
    """The code is not a current code of the app nor an unused recovery code."""


class EnrolmentMissing(Exception):
    """No enrolment was begun (or it ran out) for the code being confirmed."""


class SecondStepEnded(Exception):
    """No second step is under way: none begun, too old, or ended by wrong codes."""


@dataclass(frozen=True)
class PendingSignIn:
    """A browser between its right password and its second factor."""

    user: User
    remember: bool
    methods: list[str]


def _notify(*, user: User, kind: str, method: Authenticator.Kind | None = None) -> None:
    context = {"method": method.label} if method is not None else None
    security_email_send(user=user, kind=kind, context=context)


# --- Factors -----------------------------------------------------------------------


def mfa_totp_begin(*, user: User) -> totp.Enrolment:
    """Make a new secret for ``user`` to add to an app; it is kept (encrypted) until a
    code from the app confirms it."""
    secret = totp.secret_new()
    cache.set(
        PENDING_TOTP_KEY.format(user_id=user.pk),
        totp.secret_encrypt(secret),
        ENROLMENT_SECONDS,
    )
    return totp.enrolment(secret=secret, account_name=user.get_username())


@transaction.atomic
def mfa_totp_confirm(*, user: User, code: str) -> list[str] | None:
    """Turn the app on with the enrolment begun, when ``code`` is its current code.

    Return the new recovery codes when the user had none (shown once), else None.
    Raise EnrolmentMissing or CodeInvalid.
    """
    key = PENDING_TOTP_KEY.format(user_id=user.pk)
    stored = cache.get(key)
    if not stored:
        raise EnrolmentMissing
    secret = totp.secret_decrypt(stored)
    step = totp.code_step(secret=secret, code=code, last_step=None)
    if step is None:
        raise CodeInvalid
    Authenticator.objects.filter(user=user, kind=Authenticator.Kind.TOTP).delete()
    Authenticator.objects.create(
        user=user,
        kind=Authenticator.Kind.TOTP,
        data={"secret": stored, "last_step": step},
    )
    cache.delete(key)
    _notify(user=user, kind="method_added", method=Authenticator.Kind.TOTP)
    codes = None
    if not Authenticator.objects.filter(
        user=user, kind=Authenticator.Kind.RECOVERY_CODES
    ).exists():
        codes = _recovery_codes_replace(user=user)
    return codes


@transaction.atomic
def mfa_totp_disable(*, user: User) -> bool:
    """Turn the app off. Recovery codes go too when no other factor is left."""
    deleted, _ = Authenticator.objects.filter(
        user=user, kind=Authenticator.Kind.TOTP
    ).delete()
    if not mfa_enabled(user=user):
        Authenticator.objects.filter(
            user=user, kind=Authenticator.Kind.RECOVERY_CODES
        ).delete()
    if deleted:
        _notify(user=user, kind="method_removed", method=Authenticator.Kind.TOTP)
    return bool(deleted)


def _recovery_codes_replace(*, user: User) -> list[str]:
    codes = recovery_codes.codes_new()
    Authenticator.objects.update_or_create(
        user=user,
        kind=Authenticator.Kind.RECOVERY_CODES,
        defaults={
            "data": {"hashes": [recovery_codes.code_hash(c) for c in codes]},
            "created_at": timezone.now(),
            "last_used_at": None,
        },
    )
    return codes


@transaction.atomic
def mfa_recovery_codes_generate(*, user: User) -> list[str]:
    """Make ten new recovery codes for ``user``; the old ones stop working."""
    codes = _recovery_codes_replace(user=user)
    _notify(user=user, kind="method_added", method=Authenticator.Kind.RECOVERY_CODES)
    return codes


def _passkey_named(passkey: Authenticator) -> Any:
    # Lazy: the email is written later, in the user's language.
    return format_lazy("{} “{}”", Authenticator.Kind.PASSKEY.label, passkey.name)


def mfa_passkey_add(
    *, user: User, binding: str, credential: Any, name: str = ""
) -> Authenticator:
    """Keep the new passkey the browser made for ``binding``'s challenge and tell the
    user. Raises passkeys.PasskeyError."""
    passkey = passkeys.registration_complete(
        user=user, binding=binding, credential=credential, name=name
    )
    security_email_send(
        user=user, kind="method_added", context={"method": _passkey_named(passkey)}
    )
    return passkey


@transaction.atomic
def mfa_passkey_remove(*, user: User, passkey_id: int) -> Authenticator | None:
    """Remove one of ``user``'s passkeys (None when there is no such passkey) and
    tell the user. Recovery codes go too when no other factor is left."""
    removed = passkeys.passkey_remove(user=user, passkey_id=passkey_id)
    if removed is None:
        return None
    if not mfa_enabled(user=user):
        Authenticator.objects.filter(
            user=user, kind=Authenticator.Kind.RECOVERY_CODES
        ).delete()
    security_email_send(
        user=user, kind="method_removed", context={"method": _passkey_named(removed)}
    )
    return removed


@transaction.atomic
def mfa_factors_reset(*, user: User) -> int:
    """Remove every second factor of ``user`` (an administrator's action), log it and
    tell the user. Return how many were removed."""
    removed, _ = Authenticator.objects.filter(user=user).delete()
    auth_events.auth_event_record(
        user=user, kind=AuthEvent.Kind.FACTORS_RESET, session_id="", ip="", device=""
    )
    _notify(user=user, kind="factors_reset")
    return removed


@transaction.atomic
def mfa_code_check(*, user: User, code: str) -> str:
    """Use ``code`` up as a second factor of ``user``: a current app code (not used
    before) or an unused recovery code. Return the method; raise CodeInvalid."""
    rows = {
        row.kind: row
        for row in Authenticator.objects.select_for_update().filter(
            user=user,
            kind__in=[Authenticator.Kind.TOTP, Authenticator.Kind.RECOVERY_CODES],
        )
    }
    now = timezone.now()
    app = rows.get(Authenticator.Kind.TOTP)
    if app is not None:
        step = totp.code_step(
            secret=totp.secret_decrypt(app.data["secret"]),
            code=code,
            last_step=app.data.get("last_step"),
        )
        if step is not None:
            app.data = {**app.data, "last_step": step}
            app.last_used_at = now
            app.save(update_fields=["data", "last_used_at"])
            return METHOD_TOTP
    codes = rows.get(Authenticator.Kind.RECOVERY_CODES)
    if codes is not None and mfa_enabled(user=user):
        hashes = list(codes.data.get("hashes", []))
        found = recovery_codes.code_match(code=code, hashes=hashes)
        if found is not None:
            hashes.remove(found)
            codes.data = {**codes.data, "hashes": hashes}
            codes.last_used_at = now
            codes.save(update_fields=["data", "last_used_at"])
            return METHOD_RECOVERY_CODE
    raise CodeInvalid


def _failure_count(*, request: HttpRequest, user: User) -> None:
    # Counted by django-axes as a failed sign-in of this account from this address
    # (and written to the user's activity), like a wrong password.
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


# --- The second step in a browser ---------------------------------------------------


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


# --- The second step of the API -----------------------------------------------------


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
