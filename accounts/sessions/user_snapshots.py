"""The user's snapshot kept next to each signed-in session, for engines that keep one.

A cache engine (``accounts.sessions.cache``) fetches a session and the snapshot of its
user in one round trip, so a warm signed-in request reads no database row. What a
snapshot holds is the core's business (``accounts.selectors.session_user``); this
module only finds a user's sessions and drops their snapshots when the user changes.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from accounts.sessions.registry import strategy_active


def snapshots_kept() -> bool:
    """Whether the active engine keeps a user snapshot next to each session."""
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    return hasattr(engine, "user_snapshots_forget")


def user_snapshots_forget(*, user_id: int) -> None:
    """Replace the snapshots next to every session of ``user_id`` with tombstones."""
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    forget = getattr(engine, "user_snapshots_forget", None)
    if forget is None or not strategy_active().server_side:
        return
    # The index lists sessions past their timeouts too: their snapshots go as well.
    keys = [
        indexed.key for indexed in strategy_active().index().sessions(user_id=user_id)
    ]
    if keys:
        forget(keys)
