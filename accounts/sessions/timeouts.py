"""Idle and absolute session timeouts, kept as two timestamps inside the session."""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

STARTED_KEY = "_t0"  # when the user signed in (Unix seconds)
SEEN_KEY = "_ts"  # when the session was last written back as seen

# Which timeout ended a session (kept as the reason its browser is told).
IDLE = "idle"
ABSOLUTE = "absolute"


def session_start(session: SessionBase, *, now: int) -> None:
    """Stamp a freshly signed-in session with its start and last-seen times."""
    session[STARTED_KEY] = now
    session[SEEN_KEY] = now


def session_touch(session: SessionBase, *, now: int) -> None:
    """Record that the session was seen now; this marks it for saving."""
    session[SEEN_KEY] = now


def last_seen(session: SessionBase) -> int:
    return session.get(SEEN_KEY, 0)


def session_timeout(session: SessionBase, *, now: int) -> str | None:
    """Which timeout the session is past (``IDLE`` or ``ABSOLUTE``), or None.

    A signed-in session without a start time predates these rules: past its absolute
    timeout.
    """
    started = session.get(STARTED_KEY)
    if started is None:
        return ABSOLUTE
    if now - started > settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT:
        return ABSOLUTE
    if now - last_seen(session) > settings.AUTHSITE_SESSION_IDLE_TIMEOUT:
        return IDLE
    return None


def session_expired(session: SessionBase, *, now: int) -> bool:
    """Whether the session is past its idle or its absolute timeout."""
    return session_timeout(session, now=now) is not None
