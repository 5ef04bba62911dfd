"""The session index of the Redis strategies: one sorted set per user, member = session key, score =
the time the server ends that session. Expired members are dropped lazily, whenever a
user's set is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.cache import caches

from accounts.sessions.base import IndexedSession, SessionIndex, StoreStats

USER_KEY = "u:{}"
SCAN_COUNT = 500


#: One server's SCAN: from a SCAN cursor to (the next cursor, the keys of the batch).
Scan = Callable[[int], tuple[int, list[bytes]]]


def _cursor_parse(cursor: str) -> tuple[int, int, int]:
    """A page cursor as (server, SCAN cursor, keys to skip); malformed starts over."""
    parts = (cursor or "0.0.0").split(".")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        position, scan_cursor, skip = (int(part) for part in parts)
        return position, scan_cursor, skip
    return 0, 0, 0


def scan_page(
    scans: Sequence[Scan], *, cursor: str, size: int
) -> tuple[list[bytes], str | None]:
    """Up to ``size`` keys, walking the servers' SCANs in turn; and the next cursor
    (None after the last server's last batch).

    The cursor is "<server>.<SCAN cursor>.<keys of that SCAN batch already shown>":
    SCAN cannot resume inside a batch, so a page that ends mid-batch repeats the SCAN
    call (same cursor, same COUNT) and skips what was shown.
    """
    position, scan_cursor, skip = _cursor_parse(cursor)
    found: list[bytes] = []
    while position < len(scans):
        next_cursor, keys = scans[position](scan_cursor)
        keys = keys[skip:]
        room = size - len(found)
        if len(keys) > room:
            found.extend(keys[:room])
            return found, f"{position}.{scan_cursor}.{skip + room}"
        found.extend(keys)
        skip = 0
        if next_cursor == 0:
            position, scan_cursor = position + 1, 0
        else:
            scan_cursor = next_cursor
        if len(found) == size:
            return found, (
                f"{position}.{scan_cursor}.0" if position < len(scans) else None
            )
    return found, None


class RedisSessionIndex(SessionIndex):
    def __init__(self, alias: str = "sessions") -> None:
        self.alias = alias

    @property
    def cache(self) -> Any:
        # django-redis's RedisCache, whose client the index uses: untyped.
        return caches[self.alias]

    def client(self) -> Any:
        # The index is always read from the primary: it decides what can be revoked.
        return self.cache.client.get_client(write=True)

    def user_key(self, user_id: int) -> str:
        return self.cache.make_key(USER_KEY.format(user_id))

    def session_prefix(self) -> str:
        prefix: str = import_module(
            settings.SESSION_ENGINE
        ).SessionStore.cache_key_prefix
        return prefix

    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        key = self.user_key(user_id)
        pipe = self.client().pipeline(transaction=False)
        pipe.zadd(key, {session_key: expires})
        # No member outlives the absolute timeout from now (EXPIRE GT needs Redis 7).
        pipe.expire(key, settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT)
        pipe.execute()

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        key = self.user_key(user_id)
        pipe = self.client().pipeline(transaction=False)
        pipe.zadd(key, {session_key: expires}, xx=True)
        pipe.expire(key, settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT)
        pipe.execute()

    def remove(self, *, user_id: int, session_key: str) -> None:
        self.client().zrem(self.user_key(user_id), session_key)

    def _load(
        self, members: list[tuple[int, str, int]]
    ) -> tuple[list[IndexedSession], list[tuple[int, str]]]:
        """Session data for (user, key, expiry) members; also the members that vanished."""
        prefix = self.session_prefix()
        # From the primary too: a session missing from a replica that lags would be
        # dropped from its user's set below.
        values = self.cache.get_many(
            [prefix + key for _, key, _ in members], client=self.client()
        )
        found: list[IndexedSession] = []
        gone: list[tuple[int, str]] = []
        for user_id, key, expires in members:
            data = values.get(prefix + key)
            if data is None:
                gone.append((user_id, key))
            else:
                found.append(IndexedSession(key, user_id, data, expires))
        return found, gone

    def _forget(self, gone: list[tuple[int, str]]) -> None:
        if gone:
            pipe = self.client().pipeline(transaction=False)
            for user_id, key in gone:
                pipe.zrem(self.user_key(user_id), key)
            pipe.execute()

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        key = self.user_key(user_id)
        pipe = self.client().pipeline(transaction=False)
        pipe.zremrangebyscore(key, "-inf", int(time.time()))
        pipe.zrange(key, 0, -1, withscores=True)
        _, members = pipe.execute()
        found, gone = self._load(
            [(user_id, member.decode(), int(score)) for member, score in members]
        )
        self._forget(gone)
        return found

    def _user_id_of(self, user_key: bytes) -> int:
        return int(user_key.rsplit(b":", 1)[1])

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        """Walk the users' sets with SCAN (never KEYS), ``size`` users per page."""
        client = self.client()
        match = self.user_key(0)[:-1] + "*"
        user_keys, resume = scan_page(
            [lambda at: client.scan(at, match=match, count=SCAN_COUNT)],
            cursor=cursor,
            size=size,
        )
        now = int(time.time())
        pipe = client.pipeline(transaction=False)
        for user_key in user_keys:
            pipe.zrangebyscore(user_key, now, "+inf", withscores=True)
        members = [
            (self._user_id_of(user_key), member.decode(), int(score))
            for user_key, rows in zip(user_keys, pipe.execute(), strict=True)
            for member, score in rows
        ]
        found, gone = self._load(members)
        self._forget(gone)
        return found, resume

    def stats(self, *, sample: int) -> StoreStats:
        client = self.client()
        match = self.user_key(0)[:-1] + "*"
        now = int(time.time())
        user_keys = list(client.scan_iter(match=match, count=1000))
        sessions = 0
        for start in range(0, len(user_keys), 1000):
            pipe = client.pipeline(transaction=False)
            for user_key in user_keys[start : start + 1000]:
                pipe.zcount(user_key, now, "+inf")
            sessions += sum(pipe.execute())
        users = len(user_keys)
        return StoreStats(
            sessions=sessions,
            users=users,
            bytes_per_session=self._bytes_per_session(user_keys[:sample]),
        )

    def _bytes_per_session(self, user_keys: list[bytes]) -> int | None:
        """Mean MEMORY USAGE of a session key plus its share of the user's sorted set."""
        client = self.client()
        prefix = self.session_prefix()
        total, counted = 0, 0
        for user_key in user_keys:
            members = client.zrange(user_key, 0, -1)
            if not members:
                continue
            total += client.memory_usage(user_key, samples=0) or 0
            for member in members:
                total += (
                    client.memory_usage(
                        self.cache.make_key(prefix + member.decode()), samples=0
                    )
                    or 0
                )
                counted += 1
        return round(total / counted) if counted else None
