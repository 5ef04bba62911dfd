"""The session index of the ``jwt`` strategy: sign-ins in each user's token record.

The record (``accounts.tokens.records``) is written by whoever starts, renews or ends a
sign-in; this index lists and forgets. The key of an entry is the jti of the sign-in's
current refresh token.
"""

from __future__ import annotations

import time
from typing import Any

from django_redis import get_redis_connection

from accounts.sessions import metadata
from accounts.sessions.base import IndexedSession, SessionIndex, StoreStats
from accounts.sessions.strategies.jwt.sign_ins import sign_in_live
from accounts.tokens import records

SCAN_COUNT = 500


def _entries(
    user_id: int, fields: dict[str, Any]
) -> tuple[list[IndexedSession], list[str]]:
    """Live and ended sign-ins of a record. A sign-in from before the user's "valid
    after" time (password set by an administrator, account deactivated) has ended: its
    tokens are refused. Right after such a change the record holds no snapshot (a
    tombstone) and the sign-ins still list, so the service that ends them records it."""
    now = time.time()
    valid_after = records.valid_after_from_fields(fields)
    live: list[IndexedSession] = []
    ended: list[str] = []
    for sid, data in records.sign_ins_from_fields(fields).items():
        if sign_in_live(data, now=now) and not records.sign_in_revoked(
            data, valid_after=valid_after
        ):
            live.append(
                IndexedSession(sid, user_id, data, metadata.session_expires(data))
            )
        else:
            ended.append(sid)
    return live, ended


class TokenSessionIndex(SessionIndex):
    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        """The engine recorded the sign-in with its data when it issued the tokens."""

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        """The engine rewrites the sign-in's data (last seen) when the session saves."""

    def remove(self, *, user_id: int, session_key: str) -> None:
        records.sign_ins_forget(user_id=user_id, sids=[session_key])

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        live, ended = _entries(user_id, records.record_read(user_id=user_id))
        records.sign_ins_forget(user_id=user_id, sids=ended)
        return live

    def _match(self) -> str:
        return records.record_key_pattern()

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        """Users' records by SCAN (never KEYS); the cursor is the SCAN cursor.

        A SCAN batch may hold more than ``size`` users: the page is then longer.
        """
        client = get_redis_connection("default")
        scan_cursor = int(cursor) if cursor.isdigit() else 0
        found: list[IndexedSession] = []
        while True:
            scan_cursor, keys = client.scan(
                scan_cursor, match=self._match(), count=SCAN_COUNT
            )
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.hgetall(key)
            for key, raw in zip(keys, pipe.execute(), strict=True):
                user_id = int(key.rsplit(b":", 1)[1])
                found.extend(_entries(user_id, records.record_decode(raw))[0])
            if scan_cursor == 0:
                return found, None
            if len(found) >= size:
                return found, str(scan_cursor)

    def stats(self, *, sample: int) -> StoreStats:
        client = get_redis_connection("default")
        sessions, users, total, counted = 0, 0, 0, 0
        for key in client.scan_iter(match=self._match(), count=1000):
            live, _ = _entries(
                int(key.rsplit(b":", 1)[1]), records.record_decode(client.hgetall(key))
            )
            if not live:
                continue
            sessions += len(live)
            users += 1
            if counted < sample:
                total += client.memory_usage(key, samples=0) or 0
                counted += len(live)
        return StoreStats(
            sessions=sessions,
            users=users,
            bytes_per_session=round(total / counted) if counted else None,
            notes=("each user's record also holds the user snapshot of the API",),
        )
