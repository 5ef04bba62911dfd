"""Writes: every state change of an account goes through one of these functions."""

from django.contrib.auth import get_user_model
from django.db import transaction

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
