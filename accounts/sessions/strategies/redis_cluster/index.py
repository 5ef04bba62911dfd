"""The session index on a Redis Cluster: one sorted set per user, in the user's slot.

As the ``redis`` index (member = session key, score = when the server ends it), but
the set is named by the user's hash tag, ``u:{<tag>}``, so it shares a slot with the
user's signed-in sessions (see ``keys``); the engine writes both in one ``MULTI``.
Walking every session (the admin's list, ``sessionstats``) runs SCAN on each primary
in turn, since each holds only its own slots.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from redis.cluster import ClusterNode

from accounts.sessions.base import IndexedSession, SessionIndex, StoreStats
from accounts.sessions.strategies.redis.index import Scan, scan_page
from accounts.sessions.strategies.redis_cluster.client import cluster_errors
from accounts.sessions.strategies.redis_cluster.session_keys import (
    index_name,
    index_pattern,
    key_tag,
    session_name,
    user_tag,
    user_tags,
)
from accounts.sessions.strategies.redis_cluster.transaction import (
    primary_transaction,
)

SCAN_COUNT = 500


class ClusterSessionIndex(SessionIndex):
    def __init__(self, alias: str = "sessions") -> None:
        self.alias = alias

    @property
    def cache(self) -> Any:
        return caches[self.alias]

    def client(self) -> Any:
        # The primaries' client: the index decides what can be revoked.
        return self.cache.client.get_client(write=True)

    def index_key(self, *, user_id: int, session_key: str) -> str:
        tag = key_tag(session_key) or user_tag(user_id)
        return self.cache.make_key(index_name(tag))

    def primaries(self) -> list[ClusterNode]:
        """The cluster's primaries, in a stable order (a page cursor counts them)."""
        return sorted(self.client().get_primaries(), key=lambda node: node.name)

    def _write(self, key: str, zadd: tuple[Any, ...]) -> None:
        # Not redis-py's cluster transaction pipeline: it takes an ASK redirect for a
        # MOVED one and gives up while the slot migrates.
        primary_transaction(
            self.client(),
            slot_key=key,
            commands=[
                ("ZADD", key, *zadd),
                ("EXPIRE", key, settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT),
            ],
        )

    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        key = self.index_key(user_id=user_id, session_key=session_key)
        self._write(key, (expires, session_key))

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        key = self.index_key(user_id=user_id, session_key=session_key)
        self._write(key, ("XX", expires, session_key))

    def remove(self, *, user_id: int, session_key: str) -> None:
        with cluster_errors():
            self.client().zrem(
                self.index_key(user_id=user_id, session_key=session_key), session_key
            )

    def _load(
        self, members: Iterable[tuple[str, int]], *, user_id: int | None = None
    ) -> tuple[list[IndexedSession], list[str]]:
        """Session data for (key, expiry) members; also the keys that vanished.

        The user comes from the session data: the index is named by a tag, and two
        users' tags could collide, so a session of another user is never listed.
        """
        members = list(members)
        values = self.cache.get_many([session_name(key) for key, _ in members])
        found, gone = [], []
        for key, expires in members:
            data = values.get(session_name(key))
            owner = data.get(SESSION_KEY) if isinstance(data, dict) else None
            if owner is None:
                gone.append(key)
            elif user_id is None or str(owner) == str(user_id):
                found.append(IndexedSession(key, int(owner), data, expires))
        return found, gone

    def _forget(self, gone: list[str]) -> None:
        if gone:
            with cluster_errors():
                pipe = self.client().pipeline(transaction=False)
                for key in gone:
                    tag = key_tag(key)
                    if tag is not None:
                        pipe.zrem(self.cache.make_key(index_name(tag)), key)
                pipe.execute()

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        now = int(time.time())
        keys = [self.cache.make_key(index_name(tag)) for tag in user_tags(user_id)]
        with cluster_errors():
            pipe = self.client().pipeline(transaction=False)
            for key in keys:
                pipe.zremrangebyscore(key, "-inf", now)
                pipe.zrange(key, 0, -1, withscores=True)
            replies = pipe.execute()
        members = [
            (member.decode(), int(score))
            for rows in replies[1::2]
            for member, score in rows
        ]
        found, gone = self._load(members, user_id=user_id)
        self._forget(gone)
        return found

    def _members(self, user_keys: list[bytes]) -> list[tuple[str, int]]:
        now = int(time.time())
        with cluster_errors():
            pipe = self.client().pipeline(transaction=False)
            for user_key in user_keys:
                pipe.zrangebyscore(user_key, now, "+inf", withscores=True)
            rows = pipe.execute() if user_keys else []
        return [
            (member.decode(), int(score)) for found in rows for member, score in found
        ]

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        """``size`` users' sessions at most, walking each primary's keys with SCAN,
        primaries in name order (``scan_page``, as the ``redis`` index pages)."""
        client = self.client()
        match = self.cache.make_key(index_pattern())

        def scan(primary: ClusterNode) -> Scan:
            return lambda at: client.get_redis_connection(primary).scan(
                at, match=match, count=SCAN_COUNT
            )

        user_keys, resume = scan_page(
            [scan(primary) for primary in self.primaries()], cursor=cursor, size=size
        )
        found, gone = self._load(self._members(user_keys))
        self._forget(gone)
        return found, resume

    def _primary_index_keys(self, primary: ClusterNode) -> list[bytes]:
        node = self.client().get_redis_connection(primary)
        match = self.cache.make_key(index_pattern())
        return list(node.scan_iter(match=match, count=1000))

    def stats(self, *, sample: int) -> StoreStats:
        now = int(time.time())
        sessions, user_keys, notes = 0, [], []
        for primary in self.primaries():
            keys = self._primary_index_keys(primary)
            with cluster_errors():
                pipe = self.client().pipeline(transaction=False)
                for key in keys:
                    pipe.zcount(key, now, "+inf")
                on_primary = sum(pipe.execute()) if keys else 0
            notes.append(
                f"primary {primary.name}: {on_primary} sessions, {len(keys)} users"
            )
            sessions += on_primary
            user_keys += keys
        return StoreStats(
            sessions=sessions,
            users=len(user_keys),
            bytes_per_session=self._bytes_per_session(user_keys[:sample]),
            notes=tuple(notes),
        )

    def _bytes_per_session(self, user_keys: list[bytes]) -> int | None:
        """Mean MEMORY USAGE of a session key plus its share of the user's sorted set."""
        client = self.client()
        total, counted = 0, 0
        with cluster_errors():
            for user_key in user_keys:
                members = client.zrange(user_key, 0, -1)
                if not members:
                    continue
                total += client.memory_usage(user_key, samples=0) or 0
                for member in members:
                    name = self.cache.make_key(session_name(member.decode()))
                    total += client.memory_usage(name, samples=0) or 0
                    counted += 1
        return round(total / counted) if counted else None
