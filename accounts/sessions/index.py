"""The session index: each user's live sessions, for the sessions page and the admin.

Add at sign-in, touch when the idle clock is written (at most once a minute), remove at
sign-out, list for a user, revoke. The active strategy supplies the storage
(``SessionStrategy.index()``); this module is what the rest of the site calls.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.crypto import salted_hmac

from accounts.sessions import end_reasons, metadata, timeouts
from accounts.sessions.base import IndexedSession, SessionIndex
from accounts.sessions.registry import strategy_active

ID_SALT = "accounts.sessions.index.session_id"


@dataclass(frozen=True)
class SessionEntry:
    """One session as a user or an administrator sees it; ``id`` is opaque."""

    id: str
    user_id: int
    current: bool
    created: dt.datetime | None
    last_seen: dt.datetime | None
    ip: str
    device: str
    remember_me: bool
    expires: dt.datetime
    #: How it was signed in ("password", "password + authenticator app", ...).
    method: str = ""


def session_id(session_key: str) -> str:
    """A stable, opaque id for a session key; the key itself never leaves the server."""
    return salted_hmac(ID_SALT, session_key, algorithm="sha256").hexdigest()[:20]


def _when(timestamp: int | None) -> dt.datetime | None:
    if not timestamp:
        return None
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def session_entry(indexed: IndexedSession, *, current_key: str | None) -> SessionEntry:
    data = indexed.data
    return SessionEntry(
        id=session_id(indexed.key),
        user_id=indexed.user_id,
        current=indexed.key == current_key,
        created=_when(data.get(timeouts.STARTED_KEY)),
        last_seen=_when(data.get(timeouts.SEEN_KEY)),
        ip=data.get(metadata.IP_KEY, ""),
        device=data.get(metadata.DEVICE_KEY, ""),
        remember_me=metadata.remember_me(data),
        expires=_when(indexed.expires) or dt.datetime.now(tz=dt.UTC),
        method=str(metadata.sign_in_method(metadata.sign_in_amr(data))),
    )


def session_index_key(session: SessionBase) -> str | None:
    """The key the index knows ``session`` by: its session key, unless the engine
    names another (jwt: the cookie is a short-lived access token, the sign-in is the
    refresh token's jti)."""
    if hasattr(session, "index_key"):
        return session.index_key
    return session.session_key


def index_key_of(session_key: str) -> str | None:
    """The index key of the session whose cookie value is ``session_key``."""
    engine = import_module(settings.SESSION_ENGINE)
    return session_index_key(engine.SessionStore(session_key))


def index_active() -> SessionIndex:
    return strategy_active().index()


def _user_id(session: SessionBase) -> int | None:
    value = session.get("_auth_user_id")
    return int(value) if value is not None else None


def index_add(*, session: SessionBase) -> None:
    """Index a session that was just signed in (its key already exists)."""
    user_id = _user_id(session)
    key = session_index_key(session)
    if user_id is not None and key:
        index_active().add(
            user_id=user_id,
            session_key=key,
            expires=metadata.session_expires(session),
        )


def index_touch(*, session: SessionBase) -> None:
    """Move the session's expiry in the index after its idle clock moved."""
    user_id = _user_id(session)
    key = session_index_key(session)
    if user_id is not None and key:
        index_active().touch(
            user_id=user_id,
            session_key=key,
            expires=metadata.session_expires(session),
        )


def index_remove(*, user_id: int, session_key: str) -> None:
    index_active().remove(user_id=user_id, session_key=session_key)


def index_sessions(*, user_id: int) -> list[IndexedSession]:
    """The user's live sessions with their secret keys (server side only).

    A session past its idle or absolute timeout is dropped from the index here even
    when the store still has it: the next request on it would be signed out anyway.
    """
    index = index_active()
    now = int(time.time())
    live = []
    for indexed in index.sessions(user_id=user_id):
        if metadata.session_expires(indexed.data) > now:
            live.append(indexed)
        else:
            index.remove(user_id=user_id, session_key=indexed.key)
    return live


def index_entries(
    *,
    user_id: int,
    current_key: str | None = None,
    current_session: SessionBase | None = None,
    current_index_key: str | None = None,
) -> list[SessionEntry]:
    """The user's live sessions: the current one first and marked, then the others,
    newest sign-in first."""
    if current_session is not None:
        current_key = session_index_key(current_session)
    elif current_key:
        current_key = index_key_of(current_key)
    else:
        current_key = current_index_key
    indexed = index_sessions(user_id=user_id)
    if current_session is not None and current_key not in {s.key for s in indexed}:
        own = strategy_active().current_session(
            user_id=user_id, session=current_session
        )
        if own is not None:
            indexed.append(own)
            current_key = own.key
    entries = [session_entry(s, current_key=current_key) for s in indexed]
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    newest_first = sorted(entries, key=lambda e: e.created or epoch, reverse=True)
    return sorted(newest_first, key=lambda e: not e.current)


def session_store_delete(session_key: str) -> None:
    """Delete one session from the store of the active engine."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore().delete(session_key)


def index_revoke(*, user_id: int, session_key: str, reason: str = "") -> None:
    """End a session: delete it from the store first, then from the index.

    In this order a failure in between leaves an index entry pointing at nothing,
    which the next listing drops; the other order could leave a live session that no
    list shows and nobody can end. ``reason`` is kept first, so that the next request
    on the ended session finds it (see ``end_reasons``).
    """
    end_reasons.reason_keep(session_key=session_key, reason=reason)
    session_store_delete(session_key)
    index_remove(user_id=user_id, session_key=session_key)
