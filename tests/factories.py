"""Plain factories for test data."""

import itertools

from accounts.models import User

PASSWORD = "correct-Horse-battery-9"
_counter = itertools.count(1)


def make_user(
    *,
    username: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    **fields,
) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    user = User(username=username, email=email or f"{username}@example.com", **fields)
    user.set_password(password)
    user.save()
    return user
