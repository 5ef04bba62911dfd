"""Writes of second factors: enrol and remove them, and check a code of the app or a
recovery code. The second step of a sign-in, which uses the check, is ``sign_in``."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy

from accounts.emails import security_email_send
from accounts.mfa import passkeys, recovery_codes, totp
from accounts.mfa.selectors import (
    METHOD_RECOVERY_CODE,
    METHOD_TOTP,
    PENDING_TOTP_KEY,
    mfa_enabled,
)
from accounts.models import Authenticator, AuthEvent, User
from accounts.services import auth_events

#: How long an enrolment begun waits for its confirming code.
ENROLMENT_SECONDS = 600
AMR_BY_METHOD = {
    METHOD_TOTP: ["pwd", "otp", "mfa"],
    METHOD_RECOVERY_CODE: ["pwd", "otp", "mfa"],
}


class CodeInvalid(Exception):
    """The code is not a current code of the app nor an unused recovery code."""


class EnrolmentMissing(Exception):
    """No enrolment was begun (or it ran out) for the code being confirmed."""


def _notify(*, user: User, kind: str, method: Authenticator.Kind | None = None) -> None:
    context = {"method": method.label} if method is not None else None
    security_email_send(user=user, kind=kind, context=context)


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
