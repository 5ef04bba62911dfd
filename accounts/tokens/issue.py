"""Issuing token pairs, and rotating a refresh token exactly once.

Every refresh token is recorded as outstanding (SimpleJWT's blacklist app), so that it
can be blacklisted. Rotation uses the presented refresh token up: of many concurrent
rotations of one token exactly one wins, the others raise RefreshTokenAlreadyUsed.

A rotated refresh token presented again later than AUTHSITE_REFRESH_REUSE_GRACE
seconds after its rotation means two parties hold the chain, one of them likely a
thief: the whole sign-in (its family, accounts.tokens.families) ends, the successor
tokens included (RFC 9700 section 4.14.2). Within the grace time it is two tabs
renewing at once: refused, and nothing ends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django_redis import get_redis_connection

from accounts.tokens import families, records
from accounts.tokens.claims import (
    RefreshToken,
    issued_token_read,
    refresh_token_read,
    user_id_from_claim,
)
from accounts.tokens.errors import (
    RefreshTokenAlreadyUsed,
    RefreshTokenReused,
    SignInEnded,
    TokenInvalid,
    TokenRejected,
)


@dataclass(frozen=True)
class TokenPair:
    """A refresh token, the access token issued with it, and what names the sign-in."""

    access: str
    refresh: str
    #: The refresh token's jti: the sign-in's id, named by the access token's ``sid``.
    sid: str
    #: The refresh token's ``iat`` (Unix seconds, with a fraction).
    issued: float

    def as_dict(self) -> dict[str, str]:
        """The JSON answer of the token endpoints."""
        return {"access": self.access, "refresh": self.refresh}


@dataclass(frozen=True)
class Rotation:
    """The outcome of a rotation: the user, the new pair and the renewed sign-in data
    (None when tokens are not sessions)."""

    user: Any
    pair: TokenPair
    sign_in: dict[str, Any] | None


#: RFC 8176 "Authentication Method Reference" values: how the sign-in was made. Kept
#: by every pair of the sign-in, its access tokens copy it.
AMR_CLAIM = "amr"


def token_pair_issue(
    *, user_id: int, family: str | None = None, amr: list[str] | None = None
) -> TokenPair:
    """Issue a new refresh token (recorded as outstanding) and its access token; a
    new sign-in made with ``amr``, or the next pair of sign-in ``family``."""
    user = get_user_model()(pk=user_id)
    user._state.adding = False
    refresh = RefreshToken.for_user(user)
    # Before the access token is made: it copies the claim.
    refresh[families.FAMILY_CLAIM] = family or str(refresh["jti"])
    if amr:
        refresh[AMR_CLAIM] = list(amr)
    return TokenPair(
        access=str(refresh.access_token),
        refresh=str(refresh),
        sid=str(refresh["jti"]),
        issued=refresh["iat"],
    )


def _used_key(jti: Any) -> str:
    return caches[records.CACHE_ALIAS].make_key(f"jwt:used:{jti}")


def refresh_claim(*, refresh: RefreshToken) -> bool:
    """Mark a refresh token as used, once: True for the one caller that got it.

    SET NX is atomic, so of many concurrent refreshes of one token exactly one wins.
    The value is the time of the rotation, for telling a race from a reuse.
    """
    ttl = max(1, int(refresh["exp"] - refresh.current_time.timestamp()) + 1)
    client = get_redis_connection(records.CACHE_ALIAS)
    used_at = repr(time.time()).encode()
    return bool(client.set(_used_key(refresh["jti"]), used_at, nx=True, ex=ttl))


def refresh_reuse_check(*, payload: dict[str, Any], sign_ins: bool) -> None:
    """For a refresh token that was refused as used up: when it was rotated more than
    AUTHSITE_REFRESH_REUSE_GRACE seconds ago, end its whole sign-in and raise
    RefreshTokenReused; otherwise (a token never rotated, or a race) do nothing."""
    raw = get_redis_connection(records.CACHE_ALIAS).get(_used_key(payload.get("jti")))
    if raw is None:
        return  # not rotated: blacklisted by a logout, or never used
    try:
        used_at = float(raw)
    except ValueError:
        used_at = 0.0  # written before the time was recorded: long ago
    if time.time() - used_at < settings.AUTHSITE_REFRESH_REUSE_GRACE:
        return
    records.family_end(
        user_id=user_id_from_claim(payload.get("sub")),
        family=families.family_of(payload),
        sign_ins=sign_ins,
    )
    raise RefreshTokenReused


def _refresh_read(raw: str, *, sign_ins: bool) -> RefreshToken:
    """The refresh token ``raw``; a rotated one presented again after the grace time
    ends its sign-in (RefreshTokenReused)."""
    try:
        return refresh_token_read(raw)
    except TokenInvalid:
        try:
            # Signature and claims only: the blacklist is what refused it.
            token = issued_token_read(raw)
        except TokenRejected:
            token = None
        if token is not None and token.get("token_type") == "refresh":
            refresh_reuse_check(payload=token.payload, sign_ins=sign_ins)
        raise


def refresh_rotate(*, raw: str, sign_ins: records.SignInRules | None) -> Rotation:
    """Use the refresh token ``raw`` up and issue a new pair for its user.

    Checks come first (signature, blacklist, user, revocation, sign-in), then the
    single-use claim, then the blacklist write, so a refused token changes nothing.
    When tokens are sessions the sign-in moves to the new refresh token. Raise
    RefreshTokenAlreadyUsed when another rotation of ``raw`` won, or another
    TokenRejected when ``raw`` is not accepted.
    """
    refresh = _refresh_read(raw, sign_ins=sign_ins is not None)
    user, _ = records.token_sign_in(payload=refresh.payload, sign_ins=sign_ins)
    if not refresh_claim(refresh=refresh):
        refresh_reuse_check(payload=refresh.payload, sign_ins=sign_ins is not None)
        raise RefreshTokenAlreadyUsed
    refresh.blacklist()
    amr = refresh.payload.get(AMR_CLAIM)
    pair = token_pair_issue(
        user_id=user.pk,
        family=families.family_of(refresh.payload),
        amr=[str(value) for value in amr] if isinstance(amr, list) else None,
    )
    if sign_ins is None:
        return Rotation(user=user, pair=pair, sign_in=None)
    sign_in = records.sign_in_rotate(
        user_id=user.pk,
        old=str(refresh["jti"]),
        new=pair.sid,
        issued=pair.issued,
        changes=sign_ins.renewed(),
    )
    if sign_in is None:
        # Ended between the check above and the move: the new tokens name no sign-in.
        raise SignInEnded
    return Rotation(user=user, pair=pair, sign_in=sign_in)
