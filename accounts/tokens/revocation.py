"""Revocation: one refresh token (the blacklist), or every token of a user at once
(the "valid after" time that the record's snapshot carries)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from accounts.tokens import records


def refresh_token_revoke(
    *, jti: str, sign_ins: bool, family: str | None = None
) -> None:
    """Blacklist the outstanding refresh token ``jti`` and end its sign-in: with
    ``family``, every token of the sign-in is refused from the next request, under
    every strategy. When tokens are sessions (``sign_ins``) the sign-in leaves the
    user's record too, which alone refuses its access tokens."""
    for token in OutstandingToken.objects.filter(jti=jti):
        BlacklistedToken.objects.get_or_create(token=token)
        if token.user_id is None:
            continue
        if family:
            records.family_end(user_id=token.user_id, family=family, sign_ins=sign_ins)
        if sign_ins:
            records.sign_ins_forget(user_id=token.user_id, sids=[jti])


def refresh_token_blacklisted(*, jti: str) -> bool:
    """Whether the refresh token ``jti`` was blacklisted."""
    return BlacklistedToken.objects.filter(token__jti=jti).exists()


@transaction.atomic
def user_tokens_revoke_all(*, user: Any) -> int:
    """Refuse every token of ``user`` issued so far; return how many refresh tokens
    were blacklisted.

    Moving ``token_valid_after`` refuses every earlier access and refresh token at once
    (and changes the session auth hash); every outstanding refresh token is
    blacklisted too.
    """
    user.token_valid_after = timezone.now()
    user.save(update_fields=["token_valid_after"])
    live = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in live], ignore_conflicts=True
    )
    return len(created)
