"""Reads of second factors: which a user has, and what their pages show."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from accounts.mfa import totp
from accounts.models import PRIMARY_KINDS, Authenticator, User

#: The methods that can complete the second step, in the order offered. A factor
#: module that adds a method (passkeys) appends to the list ``mfa_methods`` answers.
METHOD_TOTP = "totp"
METHOD_RECOVERY_CODE = "recovery_code"
PENDING_TOTP_KEY = "mfa:totp:pending:{user_id}"


@dataclass(frozen=True)
class Overview:
    """What the factors page shows."""

    totp_enabled: bool
    totp_created_at: object | None
    recovery_codes_left: int
    passkeys: list[Authenticator] = field(default_factory=list)


def mfa_enabled(*, user: User) -> bool:
    """Whether ``user`` has a second factor (an app or a passkey)."""
    return Authenticator.objects.filter(user=user, kind__in=PRIMARY_KINDS).exists()


def mfa_methods(*, user: User) -> list[str]:
    """The methods the second step offers ``user``."""
    kinds = set(Authenticator.objects.filter(user=user).values_list("kind", flat=True))
    methods = []
    if Authenticator.Kind.TOTP in kinds:
        methods.append(METHOD_TOTP)
    if Authenticator.Kind.RECOVERY_CODES in kinds and kinds & set(PRIMARY_KINDS):
        methods.append(METHOD_RECOVERY_CODE)
    if Authenticator.Kind.PASSKEY in kinds:
        methods.append(str(Authenticator.Kind.PASSKEY))
    return methods


def mfa_overview(*, user: User) -> Overview:
    rows = list(Authenticator.objects.filter(user=user).order_by("created_at"))
    app = next((r for r in rows if r.kind == Authenticator.Kind.TOTP), None)
    codes = next((r for r in rows if r.kind == Authenticator.Kind.RECOVERY_CODES), None)
    return Overview(
        totp_enabled=app is not None,
        totp_created_at=app.created_at if app else None,
        recovery_codes_left=len(codes.data.get("hashes", [])) if codes else 0,
        passkeys=[r for r in rows if r.kind == Authenticator.Kind.PASSKEY],
    )


def mfa_totp_pending(*, user: User) -> totp.Enrolment | None:
    """The enrolment begun and not yet confirmed, if any."""
    stored = cache.get(PENDING_TOTP_KEY.format(user_id=user.pk))
    if not stored:
        return None
    try:
        secret = totp.secret_decrypt(stored)
    except totp.SecretUnreadable:
        return None
    return totp.enrolment(secret=secret, account_name=user.get_username())


def mfa_required_for(*, user: User) -> bool:
    """Whether AUTHSITE_MFA_REQUIRED covers ``user``."""
    policy = settings.AUTHSITE_MFA_REQUIRED
    if policy == "all":
        return True
    return policy == "staff" and bool(user.is_staff)
