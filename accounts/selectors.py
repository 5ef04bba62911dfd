"""Reads: what pages and the API show, computed in one place."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from accounts.models import AuthEvent, User
from accounts.sessions.index import SessionEntry, index_entries
from accounts.sessions.registry import strategy_active


def sessions_for_user(
    *,
    user: User,
    current_session_key: str | None = None,
    current_session: SessionBase | None = None,
) -> list[SessionEntry]:
    """The user's live sessions, newest first; the one with ``current_session_key``
    (or ``current_session``, which also covers strategies without a server-side
    store) is marked ``current``.
    """
    return index_entries(
        user_id=user.pk,
        current_key=current_session_key,
        current_session=current_session,
    )


def sessions_revocable() -> bool:
    """Whether the active strategy can end any session at once, on every server."""
    return strategy_active().revocable


def sessions_revocation_limits() -> str:
    """What the active strategy cannot end and why; empty when it can end anything."""
    return strategy_active().revocation_limits


def auth_events_for_user(*, user: User, limit: int = 10) -> list[AuthEvent]:
    """The user's most recent session starts and ends, newest first."""
    return list(AuthEvent.objects.filter(user=user)[:limit])
