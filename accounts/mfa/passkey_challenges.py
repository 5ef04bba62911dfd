"""Passkey challenges: each ceremony's challenge, kept in Redis and taken once.

A challenge is kept for 5 minutes under a *binding*: a random value held in the
browser's session (pages) or the user's id (API). Each challenge is taken once: the
first response that presents it deletes it, so a replayed response finds nothing to
match.
"""

import secrets
from typing import Any

from django.core.cache import cache
from webauthn.helpers import bytes_to_base64url

from accounts.models import User

CHALLENGE_SECONDS = 300
# Where a browser's binding lives in its session.
SESSION_BINDING_KEY = "passkey_binding"


def session_binding(session: Any) -> str:
    """The browser's binding for its challenges, made on first use."""
    binding = session.get(SESSION_BINDING_KEY)
    if not isinstance(binding, str):
        binding = secrets.token_urlsafe(24)
        session[SESSION_BINDING_KEY] = binding
    return f"browser:{binding}"


def user_binding(user: User) -> str:
    """The binding of an API client's challenges: the signed-in user."""
    return f"user:{user.pk}"


def _challenge_key(*, purpose: str, binding: str) -> str:
    return f"passkey-challenge:{purpose}:{binding}"


def challenge_keep(
    *,
    purpose: str,
    binding: str,
    challenge: bytes,
    user_id: int | None,
    user_handle: bytes = b"",
) -> None:
    """Keep this ceremony's challenge for CHALLENGE_SECONDS, with the user it is for
    (None for a sign-in without a password) and the user handle offered with it."""
    # One live challenge per binding and purpose: a new ceremony replaces the last.
    cache.set(
        _challenge_key(purpose=purpose, binding=binding),
        {
            "challenge": bytes_to_base64url(challenge),
            "user_id": user_id,
            "user_handle": bytes_to_base64url(user_handle),
        },
        CHALLENGE_SECONDS,
    )


def challenge_take(
    *, purpose: str, binding: str, user_id: int | None
) -> dict[str, Any] | None:
    """Take this binding's challenge for ``user_id`` once; None when there is none:
    never asked, expired, already taken, or kept for another user."""
    key = _challenge_key(purpose=purpose, binding=binding)
    kept = cache.get(key)
    # The delete decides: of two requests presenting the same challenge at once, only
    # the one whose delete removed it goes on.
    if not isinstance(kept, dict) or not cache.delete(key):
        return None
    if kept.get("user_id") != user_id:
        return None
    return kept
