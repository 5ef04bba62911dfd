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


class StrictCacheSessionStore(CacheSessionStore):
    """Django's cache session engine, except that a store outage raises."""

    # Django's private attributes, which its type stubs leave out.
    _cache: Any
    if TYPE_CHECKING:

        def _get_session(self, no_load: bool = False) -> dict[str, Any]: ...

    def load(self) -> dict[str, Any]:
        try:
            session_data = self._cache.get(self.cache_key)
        except STORE_ERRORS:
            raise
        except Exception:
            # As Django: a key the cache refuses (memcached) resets the session.
            session_data = None
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
