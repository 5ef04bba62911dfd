"""Issuing token pairs, and rotating a refresh token exactly once.

Every refresh token is recorded as outstanding (SimpleJWT's blacklist app), so that it
can be blacklisted. Rotation uses the presented refresh token up: of many concurrent
rotations of one token exactly one wins, the others raise RefreshTokenAlreadyUsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django_redis import get_redis_connection

from accounts.tokens import records
from accounts.tokens.claims import RefreshToken, refresh_token_read
from accounts.tokens.errors import RefreshTokenAlreadyUsed, SignInEnded


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


def token_pair_issue(*, user_id: int) -> TokenPair:
    """Issue a new refresh token (recorded as outstanding) and its access token."""
    user = get_user_model()(pk=user_id)
    user._state.adding = False
    refresh = RefreshToken.for_user(user)
    return TokenPair(
        access=str(refresh.access_token),
        refresh=str(refresh),
        sid=str(refresh["jti"]),
        issued=refresh["iat"],
    )


def refresh_claim(*, refresh: RefreshToken) -> bool:
    """Mark a refresh token as used, once: True for the one caller that got it.

    SET NX is atomic, so of many concurrent refreshes of one token exactly one wins.
    """
    ttl = max(1, int(refresh["exp"] - refresh.current_time.timestamp()) + 1)
    key = caches[records.CACHE_ALIAS].make_key(f"jwt:used:{refresh['jti']}")
    client = get_redis_connection(records.CACHE_ALIAS)
    return bool(client.set(key, b"1", nx=True, ex=ttl))


def refresh_rotate(*, raw: str, sign_ins: records.SignInRules | None) -> Rotation:
    """Use the refresh token ``raw`` up and issue a new pair for its user.

    Checks come first (signature, blacklist, user, revocation, sign-in), then the
    single-use claim, then the blacklist write, so a refused token changes nothing.
    When tokens are sessions the sign-in moves to the new refresh token. Raise
    RefreshTokenAlreadyUsed when another rotation of ``raw`` won, or another
    TokenRejected when ``raw`` is not accepted.
    """
    refresh = refresh_token_read(raw)
    user, _ = records.token_sign_in(payload=refresh.payload, sign_ins=sign_ins)
    if not refresh_claim(refresh=refresh):
        raise RefreshTokenAlreadyUsed
    refresh.blacklist()
    pair = token_pair_issue(user_id=user.pk)
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
