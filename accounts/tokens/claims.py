"""SimpleJWT's tokens, signed with our keys, carrying ``kid`` and a sub-second ``iat``.

Verification requires every claim we issue (RFC 7519 makes them optional; a token
without ``exp`` or ``aud`` would never die or would fit any audience), accepts only the
configured algorithm, matches ``iss`` and ``aud`` exactly, honours ``nbf`` and allows
JWT_LEEWAY seconds of clock skew.
"""

import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

import jwt
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

# SimpleJWT's token module reads its settings through DRF's APISettings, so importing
# it loads rest_framework.settings; this package itself uses nothing of DRF.
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import (
    TokenBackendError,
    TokenBackendExpiredToken,
    TokenError,
)

from accounts.tokens.errors import TokenInvalid, UserClaimInvalid
from accounts.tokens.keys import jwt_keys

REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat", "jti", "token_type"]
#: The kinds of token the site issues; verify vouches for no other.
ISSUED_TOKEN_TYPES = ("access", "refresh")
_USER_ID = re.compile(r"[1-9][0-9]{0,17}")
# Larger than any token we issue (about 1 kB with RS256); anything bigger is not ours
# and is refused before it is parsed.
MAX_TOKEN_LENGTH = 4096
#: The time claims must be NumericDates (RFC 7519 section 2) that a datetime can hold:
#: a string, a boolean or 1e20 is not a time, and must not reach datetime arithmetic.
TIME_CLAIMS = ("exp", "nbf", "iat")
LAST_NUMERIC_DATE = 253402300799  # 9999-12-31T23:59:59Z


def time_claims_valid(payload: dict[str, Any]) -> bool:
    """Whether every time claim present is a finite number from 1970 to 9999."""
    for name in TIME_CLAIMS:
        if name not in payload:
            continue
        value = payload[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not 0 <= value <= LAST_NUMERIC_DATE:  # also False for NaN
            return False
    return True


class KeyedTokenBackend(TokenBackend):
    """Sign with the current key and name it in ``kid``; verify with the key ``kid`` names."""

    def __init__(self) -> None:
        keys = jwt_keys()
        super().__init__(
            keys.algorithm,
            audience=settings.JWT_AUDIENCE,
            issuer=settings.JWT_ISSUER,
            leeway=settings.JWT_LEEWAY,
        )
        self.keys = keys

    def encode(self, payload: dict[str, Any]) -> str:
        claims = {**payload, "iss": self.issuer, "aud": self.audience}
        return jwt.encode(
            claims,
            self.keys.signing_key,
            algorithm=self.algorithm,
            headers={"kid": self.keys.signing_kid},
        )

    def decode(
        self, token: Any, verify: bool = True, *, expired_ok: bool = False
    ) -> dict[str, Any]:
        try:
            if isinstance(token, bytes):
                token = token.decode("ascii")
            if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
                raise TokenBackendError("Token is invalid")
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.keys.verifying_keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise TokenBackendError("Token is invalid")
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.get_leeway(),
                options={
                    "require": REQUIRED_CLAIMS,
                    "verify_signature": verify,
                    "verify_exp": not expired_ok,
                },
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenBackendExpiredToken("Token is expired") from exc
        except (
            jwt.InvalidTokenError,
            UnicodeDecodeError,
            # PyJWT compares time claims as it finds them; an absurd one may overflow.
            OverflowError,
            TypeError,
        ) as exc:
            raise TokenBackendError("Token is invalid") from exc
        if not time_claims_valid(payload):
            raise TokenBackendError("Token is invalid")
        return payload


@cache
def token_backend() -> KeyedTokenBackend:
    """The backend for the configured keys (rebuilt when a JWT_* setting changes)."""
    return KeyedTokenBackend()


@receiver(setting_changed, dispatch_uid="accounts.tokens.claims.reload")
def _reload_backend(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("JWT_"):
        jwt_keys.cache_clear()
        token_backend.cache_clear()


class KeyedTokenMixin:
    payload: dict[str, Any]
    current_time: datetime

    @property
    def token_backend(self) -> TokenBackend:
        return token_backend()

    def get_token_backend(self) -> TokenBackend:
        return token_backend()

    def set_iat(self, claim: str = "iat", at_time: datetime | None = None) -> None:
        # Sub-second, so that a token issued just after a revocation is newer than it
        # (RFC 7519 NumericDate allows fractions).
        self.payload[claim] = (at_time or self.current_time).timestamp()


class AccessToken(KeyedTokenMixin, tokens.AccessToken):
    # SimpleJWT declares ``lifetime`` as a class attribute fixed at import; a property
    # reads the setting at call time, which the stubs cannot take as an override.
    @property
    def lifetime(self) -> timedelta:  # type: ignore[override]
        return timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME)


# SimpleJWT's annotations disagree between its own BlacklistMixin.for_user and
# Token.for_user (generic in the token type); the classes work together at run time.
class RefreshToken(KeyedTokenMixin, tokens.RefreshToken):  # type: ignore[misc]
    access_token_class = AccessToken

    @property
    def lifetime(self) -> timedelta:  # type: ignore[override]  # as AccessToken's
        return timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME)

    @property
    def access_token(self) -> AccessToken:
        # access_token_class above makes this our AccessToken; SimpleJWT's annotation
        # names its own.
        access = cast(AccessToken, super().access_token)
        # OpenID's "sid": the refresh token (the sign-in) this access token came from.
        access["sid"] = self.payload["jti"]
        return access


class UntypedToken(KeyedTokenMixin, tokens.UntypedToken):
    pass


def user_id_from_claim(sub: Any) -> int:
    """The user id in a ``sub`` claim; anything but a decimal id is an invalid token."""
    if not isinstance(sub, str) or not _USER_ID.fullmatch(sub):
        raise UserClaimInvalid
    return int(sub)


def access_token_read(raw: str) -> AccessToken:
    """The verified access token ``raw``; raise TokenInvalid for anything else."""
    try:
        # SimpleJWT annotates the argument as a Token; it takes the encoded string.
        return AccessToken(raw)  # type: ignore[arg-type]
    except TokenError as exc:
        raise TokenInvalid(exc.args[0]) from exc


def refresh_token_read(raw: str) -> RefreshToken:
    """The verified, not blacklisted refresh token ``raw``; else raise TokenInvalid."""
    try:
        return RefreshToken(raw)  # type: ignore[arg-type]  # as above
    except TokenError as exc:
        raise TokenInvalid(exc.args[0]) from exc


def token_sign_in_named(raw: str) -> str | None:
    """The sign-in that a token this site signed names, even after the token expired:
    an access token's ``sid``, a refresh token's ``jti``; None for anything else.

    Only for saying why that sign-in ended: it checks the signature, issuer and
    audience but not the time, nor whether the sign-in lives, so it vouches for nothing.
    """
    try:
        payload = token_backend().decode(raw, expired_ok=True)
    except TokenBackendError:
        return None
    kind = payload.get("token_type")
    claim = "sid" if kind == "access" else "jti" if kind == "refresh" else None
    value = payload.get(claim) if claim is not None else None
    return value if isinstance(value, str) else None


def issued_token_read(raw: str) -> UntypedToken:
    """A verified token of a kind the site issues (access or refresh), else TokenInvalid.

    UntypedToken checks no type: only the kinds the site issues pass, so that a check
    never vouches for a token no endpoint would accept.
    """
    try:
        token = UntypedToken(raw)  # type: ignore[arg-type]  # as above
    except TokenError as exc:
        raise TokenInvalid(exc.args[0]) from exc
    if token.get("token_type") not in ISSUED_TOKEN_TYPES:
        raise TokenInvalid(_("Token has wrong type"))
    return token
