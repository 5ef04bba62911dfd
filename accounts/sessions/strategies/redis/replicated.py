"""The engine for Redis with replicas: ``redis-replicated`` and ``redis-sentinel``.

Every write (save, delete) waits until AUTHSITE_REDIS_WAIT_REPLICAS replicas have it
(Redis ``WAIT``, at most AUTHSITE_REDIS_WAIT_MS). Under ``redis-replicated`` that is what
makes the request after a sign-in, or after a session was ended, read the new copy from
a replica; under ``redis-sentinel`` it is what keeps a session that was answered as
saved alive through a failover, since Sentinel promotes the replica that has the most.

``WAIT`` counts the writes of the connection it is sent on, so the write and its
``WAIT`` go out together in one pipeline, on one connection: sent separately, a thread
of a threaded worker could get another pooled connection for the ``WAIT``, whose older
writes the replicas already have, and be told "acknowledged" at once. Redis replicates
one ordered stream, so the ``WAIT`` also covers every earlier write of the request (the
session index entry written at sign-in).

Under ``redis-replicated`` a ``ROLE`` follows in the same pipeline (no extra round
trip): when not every listed replica acknowledged the write, the primary's replication
offset it names tells the client (``replica.ReplicaReadClient``) to read that key from
the primary until the replica has caught up.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from accounts.sessions.cache import SNAPSHOT_GONE, SNAPSHOT_GONE_SECONDS
from accounts.sessions.strategies.redis.engine import SessionStore as RedisSessionStore
from accounts.sessions.strategies.redis.replica import ReplicaReadClient

logger = logging.getLogger("authsite.sessions")


class SessionStore(RedisSessionStore):
    def _pipeline(self) -> Any:
        return self._cache.client.get_client(write=True).pipeline(transaction=False)

    def _replicas_wait(self, pipe: Any, key: str) -> list[Any]:
        """Queue a WAIT after the pipeline's write of ``key``, run both, return the
        write's reply."""
        client = self._cache.client
        replicas = settings.AUTHSITE_REDIS_WAIT_REPLICAS
        if replicas:
            pipe.wait(replicas, settings.AUTHSITE_REDIS_WAIT_MS)
        reads_replicas = isinstance(client, ReplicaReadClient)
        if reads_replicas:
            pipe.execute_command("ROLE")
        replies = pipe.execute()
        role = replies.pop() if reads_replicas else None
        acknowledged = replies.pop() if replicas else 0
        if replicas and acknowledged < replicas:
            # Answered anyway: the site stays up with fewer replicas, and a failover in
            # this moment could lose this one write.
            logger.warning(
                "session write reached %d of %d Redis replicas within %d ms",
                acknowledged,
                replicas,
                settings.AUTHSITE_REDIS_WAIT_MS,
            )
        if role is not None and acknowledged < client.replica_count:
            client.write_unreplicated(key, int(role[1]))
        return replies

    @classmethod
    def user_snapshots_forget(cls, session_keys: list[str]) -> None:
        # Waits for the replicas like a session write: the next request may read one.
        # One pipeline per key, so that each is read from the primary until replicated
        # (a user has a handful of sessions, and this runs only when the user changes).
        store = cls()
        client = store._cache.client
        for key in session_keys:
            name = client.make_key(cls.snapshot_key_of(key))
            pipe = store._pipeline()
            pipe.set(name, client.encode(SNAPSHOT_GONE), ex=SNAPSHOT_GONE_SECONDS)
            store._replicas_wait(pipe, str(name))

    def store_write(self, data: dict[str, Any], *, ttl: int, only_new: bool) -> bool:
        client = self._cache.client
        key = client.make_key(self.cache_key)
        pipe = self._pipeline()
        pipe.set(
            key,
            client.encode(data),
            ex=ttl,
            nx=only_new,
        )
        (written,) = self._replicas_wait(pipe, str(key))
        return bool(written)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        key = self._cache.client.make_key(self.cache_key_prefix + session_key)
        pipe = self._pipeline()
        pipe.delete(key)
        self._replicas_wait(pipe, str(key))
