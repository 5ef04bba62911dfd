"""Why a token is refused, as types: callers catch these, never match a message.

Each carries the ``code`` and the message a client sees (the API turns them into
401 answers; the ``jwt`` session engine signs the browser out).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TokenRejected(Exception):
    """A token this site will not accept now."""

    code = "token_not_valid"
    default_message: str | Promise = _("Token is invalid or expired")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))


class TokenInvalid(TokenRejected):
    """Malformed, badly signed, expired, of the wrong type or blacklisted."""


class UserClaimInvalid(TokenRejected):
    default_message = _("Token contained no recognizable user identification")


class UserNotFound(TokenRejected):
    code = "user_not_found"
    default_message = _("User not found")


class UserInactive(TokenRejected):
    code = "user_inactive"
    default_message = _("User is inactive")


class TokenRevoked(TokenRejected):
    """Issued at or before the user's "valid after" time."""

    code = "token_revoked"
    default_message = _("Token has been revoked")


class SignInEnded(TokenRejected):
    """Tokens are sessions and this token's sign-in is gone or past its timeouts."""

    code = "session_ended"
    default_message = _("Session has ended")


class RefreshTokenAlreadyUsed(TokenRejected):
    """A rotated refresh token presented again: another request won the rotation."""

    default_message = _("Token has already been used")


class RefreshTokenReused(TokenRejected):
    """A rotated refresh token presented again after the grace time: whoever holds
    the chain may be a thief, so the whole sign-in was ended."""

    code = "session_ended"
    default_message = _("Token has already been used; the sign-in was ended")
