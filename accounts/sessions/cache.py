"""Sessions in a Django cache: the engine that never hides an outage, and the index for
a cache without sorted sets. ``memcached`` and ``local`` use both; the ``redis`` engine
builds on the first.

Django's cache engine's ``load()`` treats every exception from the cache as "no
session", so a store that is down would sign every user out silently. Here a lost
connection propagates, and ServiceUnavailableMiddleware answers 503 instead.

The index keeps one key per user holding ``{session key: expiry}``: read-modify-write,
so two sign-ins of the same user in the same instant on two servers can lose one entry.
That session still works and ends normally; it is only missing from the list until its
user signs in again. memcached cannot enumerate keys, so this index cannot list every
session for the admin (``can_list_all`` is False).
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.core.cache import BaseCache, caches

from accounts.sessions.base import IndexedSession, SessionIndex, StoreStats
from accounts.sessions.errors import STORE_ERRORS

USER_KEY = "u:{}"
# The user's snapshot cached next to each signed-in session (see user_snapshot below).
SNAPSHOT_PREFIX = "p:"
# A snapshot is dropped at every change of its user; the TTL only bounds how long a
# session whose index entry was lost (see the index below) could keep a stale one.
SNAPSHOT_TTL_SECONDS = 600
# What a change of the user leaves instead of the snapshot. While it lives, requests
# read the database and write nothing back: a request that read the row before the
# change cannot cache it after the change (its ``add`` finds the tombstone).
# A dict: the sessions codec stores dicts only.
SNAPSHOT_GONE = {"gone": "1"}
SNAPSHOT_GONE_SECONDS = 10


class UserSnapshotMixin:
    """Keep the user's snapshot next to each session in the sessions cache, and load
    both in one round trip (MGET, get_multi); ``load_with_snapshot`` does the read."""

    #: Engines with this flag put the signed-in user on the session (the core reads it).
    carries_user = True
    #: What the store returned for the user's snapshot with the session: a dict, the
    #: tombstone, or None. The core builds ``request.user`` from it (no query).
    user_snapshot: Any = None
    _cache: Any
    session_key: str | None

    @classmethod
    def snapshot_key_of(cls, session_key: str) -> str:
        """The cache key of the user snapshot kept next to session ``session_key``."""
        return SNAPSHOT_PREFIX + session_key

    def load_with_snapshot(self, cache_key: str) -> Any:
        """The session's data under ``cache_key`` (None if absent), and the snapshot."""
        snapshot_key = self.snapshot_key_of(self.session_key or "")
        try:
            values = self._cache.get_many([cache_key, snapshot_key])
        except STORE_ERRORS:
            raise
        except Exception:
            # As Django: a key the cache refuses (memcached) resets the session.
            values = {}
        data = values.get(cache_key)
        if data is not None:
            self.user_snapshot = values.get(snapshot_key)
        return data

    def user_snapshot_keep(self, snapshot: dict[str, str]) -> None:
        """Cache ``snapshot`` next to this session, unless a change left a tombstone."""
        if self.session_key is None or self.user_snapshot is not None:
            return
        self._cache.add(
            self.snapshot_key_of(self.session_key), snapshot, SNAPSHOT_TTL_SECONDS
        )

    @classmethod
    def user_snapshots_forget(cls, session_keys: list[str]) -> None:
        """Replace the snapshots next to ``session_keys`` with tombstones."""
        caches[settings.SESSION_CACHE_ALIAS].set_many(
            {cls.snapshot_key_of(key): SNAPSHOT_GONE for key in session_keys},
            SNAPSHOT_GONE_SECONDS,
        )


class StrictCacheSessionStore(UserSnapshotMixin, CacheSessionStore):
    """Django's cache session engine, except that a store outage raises."""

    # Django's private attributes, which its type stubs leave out.
    _cache: Any
    if TYPE_CHECKING:

        def _get_session(self, no_load: bool = False) -> dict[str, Any]: ...

    def load(self) -> dict[str, Any]:
        session_data = self.load_with_snapshot(self.cache_key)
        if session_data is not None:
            return session_data
        self._session_key = None
        return {}


class CacheSessionIndex(SessionIndex):
    """Each user's sessions as one cache entry ``{session key: expiry}``."""

    can_list_all = False

    def __init__(self, alias: str = "sessions") -> None:
        self.alias = alias

    @property
    def cache(self) -> BaseCache:
        return caches[self.alias]

    def _read(self, user_id: int) -> dict[str, int]:
        return self.cache.get(USER_KEY.format(user_id)) or {}

    def _write(self, user_id: int, members: dict[str, int]) -> None:
        key = USER_KEY.format(user_id)
        if members:
            self.cache.set(key, members, settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT)
        else:
            self.cache.delete(key)

    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        members = self._read(user_id)
        members[session_key] = expires
        self._write(user_id, members)

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        members = self._read(user_id)
        if session_key in members:
            members[session_key] = expires
            self._write(user_id, members)

    def remove(self, *, user_id: int, session_key: str) -> None:
        members = self._read(user_id)
        if members.pop(session_key, None) is not None:
            self._write(user_id, members)

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        members = self._read(user_id)
        now = int(time.time())
        live = {key: expires for key, expires in members.items() if expires > now}
        prefix: str = import_module(
            settings.SESSION_ENGINE
        ).SessionStore.cache_key_prefix
        values = self.cache.get_many([prefix + key for key in live])
        found = [
            IndexedSession(key, user_id, values[prefix + key], expires)
            for key, expires in live.items()
            if prefix + key in values
        ]
        if len(found) != len(members):
            self._write(user_id, {s.key: s.expires for s in found})
        return found

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        return [], None

    def stats(self, *, sample: int) -> StoreStats:
        return StoreStats(
            sessions=None,
            users=None,
            bytes_per_session=None,
            notes=("this store cannot enumerate its keys; nothing to count",),
        )
