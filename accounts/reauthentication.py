"""Re-authentication: whether this sign-in checked its password recently.

Sensitive actions (a new password, ending sessions, deleting the account) need more
than a session or a token that may have been stolen: the password, checked within
AUTHSITE_REAUTH_TIMEOUT seconds. Signing in (and signing up) counts, from the time the
session already records (``timeouts.STARTED_KEY``); a later re-authentication writes
one small mark into the session. An API sign-in keeps the time per token family
(accounts.tokens.authenticated), so the tokens refreshed from it keep it too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.models import User
from accounts.services import users
from accounts.sessions import timeouts
from accounts.tokens import authenticated, families

#: In a session: when its password was last checked after the sign-in (Unix seconds).
MARK_KEY = "_ra"


def _token_family(request: HttpRequest) -> str | None:
    """The sign-in family of the API token that authenticated ``request`` (None for a
    page request, whose sign-in is its session)."""
    token = getattr(request, "auth", None)
    payload = getattr(token, "payload", None)
    if isinstance(payload, Mapping):
        return families.family_of(payload) or None
    return None


def _authenticated_at(request: HttpRequest) -> float:
    family = _token_family(request)
    if family is not None:
        return authenticated.family_authenticated_at(family=family) or 0.0
    session: Any = getattr(request, "session", None)
    if session is None:
        return 0.0
    times = [session.get(timeouts.STARTED_KEY), session.get(MARK_KEY)]
    return float(max((t for t in times if isinstance(t, int | float)), default=0))


def reauthentication_mark(*, request: HttpRequest) -> None:
    """Record that the password (or a second factor) of this sign-in was just checked:
    the page session's, or the API token's sign-in (its whole family)."""
    family = _token_family(request)
    if family is not None:
        authenticated.family_authenticated(family=family)
        return
    request.session[MARK_KEY] = int(time.time())


def reauthenticated_recently(*, request: HttpRequest) -> bool:
    """Whether this sign-in checked its password within AUTHSITE_REAUTH_TIMEOUT."""
    at = _authenticated_at(request)
    return bool(at) and time.time() - at <= settings.AUTHSITE_REAUTH_TIMEOUT


def reauthentication_password_check(
    *, request: HttpRequest, user: User, password: str
) -> None:
    """Re-authenticate this sign-in with ``password``: wrong ones count in the
    current-password limit (CurrentPasswordWrong, CurrentPasswordLocked), never in
    the sign-in lockout; a right one marks the sign-in."""
    users.current_password_check(user=user, password=password)
    reauthentication_mark(request=request)
