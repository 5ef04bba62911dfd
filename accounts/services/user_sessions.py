"""Writes of a user's browser sessions: one signed in or out, a key renewed, one or
all revoked, the per-user limit, the sessions a password change or reset ends, and the
user snapshots kept beside them. And the one announcement of every sign-in, a
browser's or an API client's (``sign_in_announce``)."""

import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from accounts.emails import security_email_send
from accounts.models import AuthEvent, User
from accounts.security.client_ip import client_ip
from accounts.selectors import session_user_snapshot_keep, user_device_is_new
from accounts.sessions import metadata, timeouts, user_snapshots
from accounts.sessions.base import IndexedSession
from accounts.sessions.index import (
    index_add,
    index_remove,
    index_revoke,
    index_sessions,
    session_index_key,
)
from accounts.sessions.index import session_id as opaque_session_id
from accounts.signals import session_ended, session_started


def _session_signal(
    signal,
    *,
    user: User,
    kind: str,
    session_key: str,
    data: Mapping[str, Any],
    method: str = "",
) -> None:
    signal.send(
        sender=User,
        user=user,
        kind=kind,
        session_id=opaque_session_id(session_key) if session_key else "",
        ip=data.get(metadata.IP_KEY, ""),
        device=data.get(metadata.DEVICE_KEY, ""),
        method=method,
    )


def sign_in_announce(
    *, user: User, session_key: str, data: Mapping[str, Any], amr: list[str]
) -> None:
    """Send ``session_started`` for a sign-in of ``user``, a browser's or an API
    client's: the activity gets its "signed in" row, with how (``amr``) and the IP
    and device in ``data``. ``session_key``: the key the session index lists it by
    ("" when it is listed nowhere)."""
    _session_signal(
        session_started,
        user=user,
        kind=AuthEvent.Kind.LOGIN,
        session_key=session_key,
        data=data,
        method=" ".join(amr),
    )


def session_signed_in(*, request: HttpRequest, user: User) -> None:
    """Stamp, describe and index a session that was just signed in; apply the limit."""
    session = request.session
    timeouts.session_start(session, now=int(time.time()))
    metadata.session_describe(
        session,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    # Write the signed-in data now, not with the response: the index and the session
    # limit below read the user's sessions from the store, this one included.
    session.save()
    index_add(session=session)
    # Now, while the user's row is at hand: the first page is then one read as well.
    session_user_snapshot_keep(session=session, user=user)
    device = session.get(metadata.DEVICE_KEY, "")
    # Before this sign-in's own row is written, which would make the device known.
    if user_device_is_new(user=user, device=device):
        security_email_send(
            user=user,
            kind="new_device",
            context={"device": device, "ip": session.get(metadata.IP_KEY, "")},
        )
    sign_in_announce(
        user=user,
        session_key=session_index_key(session) or "",
        data=session,
        amr=metadata.sign_in_amr(session),
    )
    sessions_limit_apply(user=user, current_session_key=session_index_key(session))


def session_signed_out(
    *, request: HttpRequest, user: User, kind: str = AuthEvent.Kind.LOGOUT
) -> None:
    """Forget a session that is signing out (the engine deletes it from the store)."""
    session = request.session
    key = session_index_key(session)
    if key:
        index_remove(user_id=user.pk, session_key=key)
    _session_signal(
        session_ended,
        user=user,
        kind=kind,
        session_key=key or "",
        data=session,
    )


def session_key_rotated(
    *, user: User, old_key: str | None, session: SessionBase
) -> None:
    """Move the index entry of a session whose key was renewed (password change)."""
    if old_key and old_key != session_index_key(session):
        index_remove(user_id=user.pk, session_key=old_key)
    index_add(session=session)


def _sessions_end(*, user: User, sessions: list[IndexedSession], kind: str) -> int:
    # Each session leaves the store with ``kind`` kept as the reason its browser is
    # shown; the activity gets one row per action, written by the caller.
    for indexed in sessions:
        index_revoke(user_id=user.pk, session_key=indexed.key, reason=kind)
    return len(sessions)


def _action_record(
    *,
    user: User,
    kind: str,
    ended: list[IndexedSession],
    acting: Mapping[str, Any] | None = None,
    acting_key: str = "",
) -> None:
    """One activity row for an action that ended ``ended`` sessions: the ended
    session's device when it was one, else the device that acted (if known)."""
    if len(ended) == 1 and acting is None:
        key, data = ended[0].key, ended[0].data
    else:
        key, data = acting_key, acting or {}
    _session_signal(session_ended, user=user, kind=kind, session_key=key, data=data)


def session_revoke(
    *, user: User, session_id: str, kind: str = AuthEvent.Kind.REVOKE
) -> bool:
    """End the user's session with opaque id ``session_id`` in the store at once.

    Return False when the user has no live session with that id (already ended, or
    someone else's): nothing changes then.
    """
    matches = [
        s
        for s in index_sessions(user_id=user.pk)
        if constant_time_compare(opaque_session_id(s.key), session_id)
    ]
    if _sessions_end(user=user, sessions=matches, kind=kind):
        _action_record(user=user, kind=kind, ended=matches)
    return bool(matches)


def _sessions_others(
    *, user: User, keep_session_key: str | None
) -> list[IndexedSession]:
    return [s for s in index_sessions(user_id=user.pk) if s.key != keep_session_key]


def sessions_revoke_all(
    *,
    user: User,
    keep_session_key: str | None = None,
    kind: str = AuthEvent.Kind.REVOKE,
) -> int:
    """End every live session of ``user`` but ``keep_session_key``; return how many.

    One activity row records the action when it ended any session.
    """
    others = _sessions_others(user=user, keep_session_key=keep_session_key)
    if _sessions_end(user=user, sessions=others, kind=kind):
        _action_record(user=user, kind=kind, ended=others)
    return len(others)


def sessions_limit_apply(*, user: User, current_session_key: str | None) -> int:
    """End the least recently used sessions beyond AUTHSITE_MAX_SESSIONS_PER_USER."""
    limit = settings.AUTHSITE_MAX_SESSIONS_PER_USER
    if not limit:
        return 0
    live = index_sessions(user_id=user.pk)
    if len(live) <= limit:
        return 0
    others = sorted(
        (s for s in live if s.key != current_session_key),
        # The index's copy of the session data: last seen, then signed in, as numbers.
        key=lambda s: (
            s.data.get(timeouts.SEEN_KEY, 0),
            s.data.get(timeouts.STARTED_KEY, 0),
        ),
    )
    oldest = others[: len(live) - limit]
    # Each ended session is a sign-in of its own device: one row for each.
    for indexed in oldest:
        _sessions_end(user=user, sessions=[indexed], kind=AuthEvent.Kind.LIMIT)
        _action_record(user=user, kind=AuthEvent.Kind.LIMIT, ended=[indexed])
    return len(oldest)


def session_password_changed(
    *, request: HttpRequest, user: User, old_key: str | None
) -> int:
    """After a password change: keep this session, end every other one now.

    One activity row, for this device, whether or not other sessions ended.
    """
    session = request.session
    session_key_rotated(user=user, old_key=old_key, session=session)
    security_email_send(user=user, kind="password_changed")
    keep = session_index_key(session)
    others = _sessions_others(user=user, keep_session_key=keep)
    _sessions_end(user=user, sessions=others, kind=AuthEvent.Kind.PASSWORD_CHANGE)
    _action_record(
        user=user,
        kind=AuthEvent.Kind.PASSWORD_CHANGE,
        ended=others,
        acting=session,
        acting_key=keep or "",
    )
    return len(others)


def sessions_end_after_password_reset(*, user: User) -> int:
    """After a password reset: end every session of the user now (one activity row)."""
    security_email_send(user=user, kind="password_reset")
    return sessions_end_all(user=user, kind=AuthEvent.Kind.PASSWORD_RESET)


def sessions_end_all(*, user: User, kind: str) -> int:
    """End every session of ``user`` now, ``kind`` being why; return how many.

    One activity row, with no device, whether or not any session ended: the action
    came from no session of the user (a reset link, the API)."""
    ended = _sessions_others(user=user, keep_session_key=None)
    _sessions_end(user=user, sessions=ended, kind=kind)
    _action_record(user=user, kind=kind, ended=[], acting={})
    return len(ended)


def session_user_snapshots_forget(*, user_id: int) -> None:
    """Drop the user snapshots kept next to the user's sessions after a change to the
    user: now, so that the change fails (and rolls back) if the store is down, and
    again after commit, because a request may have cached the old row in between."""
    if not user_snapshots.snapshots_kept():
        return
    user_snapshots.user_snapshots_forget(user_id=user_id)
    transaction.on_commit(lambda: user_snapshots.user_snapshots_forget(user_id=user_id))
