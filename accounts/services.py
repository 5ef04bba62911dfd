"""Writes: every state change of an account goes through one of these functions."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

User = get_user_model()


@transaction.atomic
def user_register(*, username: str, email: str, password: str) -> User:
    """Create an active user with a hashed password; callers validate the input first."""
    user = User(username=username, email=User.objects.normalize_email(email))
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_profile_update(
    *, user: User, first_name: str, last_name: str, email: str
) -> User:
    """Save the editable profile fields of ``user``."""
    user.first_name = first_name
    user.last_name = last_name
    user.email = User.objects.normalize_email(email)
    user.save(update_fields=["first_name", "last_name", "email"])
    return user


def refresh_token_revoke(*, jti: str) -> None:
    """Blacklist the outstanding refresh token ``jti`` (a sign-in ends; its access
    tokens run out at their ``exp``)."""
    for token in OutstandingToken.objects.filter(jti=jti):
        BlacklistedToken.objects.get_or_create(token=token)


@transaction.atomic
def user_tokens_revoke_all(*, user: User) -> int:
    """End every sign-in of ``user``: tokens issued so far and browser sessions.

    Moving ``token_valid_after`` refuses every earlier access and refresh token at once
    and changes the session auth hash, so every browser session ends on its next
    request; every outstanding refresh token is blacklisted too. Returns how many were.
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


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> User:
    """Set a new password; every token and session from before is refused from now on
    (User.save moves ``token_valid_after``)."""
    user.set_password(new_password)
    user.save()
    return user
