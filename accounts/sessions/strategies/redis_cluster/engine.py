"""The ``redis-cluster`` strategy's session engine (``SESSION_ENGINE``).

The ``redis`` engine (strict loads, idle-timeout TTL, compact codec) with keys that
carry their user's hash tag (``keys``), so that a signed-in session and its entry in
the user's index share a slot. Every write of a signed-in session also writes its
index entry, in the same ``MULTI``, and every write waits for a replica
(AUTHSITE_REDIS_WAIT_REPLICAS within AUTHSITE_REDIS_WAIT_MS): a failover promotes a
replica that has the session, so a session the site answered as saved survives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import CreateError, UpdateError

from accounts.sessions import metadata, timeouts
from accounts.sessions.cache import SNAPSHOT_PREFIX
from accounts.sessions.errors import STORE_ERRORS
from accounts.sessions.strategies.redis.engine import SessionStore as RedisSessionStore
from accounts.sessions.strategies.redis_cluster.session_keys import (
    SESSION_PREFIX,
    index_name,
    key_tag,
    session_key_new,
    session_name,
    user_tag,
)
from accounts.sessions.strategies.redis_cluster.transaction import (
    Command,
    primary_transaction,
)


class SessionStore(RedisSessionStore):
    # Only for anonymous keys; session_name() braces the tag of a signed-in key.
    cache_key_prefix = SESSION_PREFIX
    if TYPE_CHECKING:
        # Django's private method, which its type stubs leave out.
        def _get_or_create_session_key(self) -> str: ...

    @property
    def cache_key(self) -> str:
        return session_name(self._get_or_create_session_key())

    @classmethod
    def snapshot_key_of(cls, session_key: str) -> str:
        # Braced as the session's own key: both come back in one MGET from one slot.
        return SNAPSHOT_PREFIX + session_name(session_key)[len(SESSION_PREFIX) :]

    def load_with_snapshot(self, cache_key: str) -> Any:
        try:
            return super().load_with_snapshot(cache_key)
        except STORE_ERRORS:
            # While its slot migrates, a two-key read whose keys are not all on one
            # side answers TRYAGAIN until the migration ends (a session whose snapshot
            # is not cached yet): read the session alone, which follows ASK. A cluster
            # that is down fails here too, and the page answers 503.
            self.user_snapshot = None
            return self._cache.get(cache_key)

    def _user_id(self) -> Any:
        data = getattr(self, "_session_cache", None) or {}
        return data.get(SESSION_KEY)

    def _get_new_session_key(self) -> str:
        # No EXISTS round trip: the first write is SET NX, and a taken key makes
        # create() draw again.
        return session_key_new(self._user_id())

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        return session_name(session_key) in self._cache

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        user_id = data.get(SESSION_KEY)
        if (
            not must_create
            and user_id is not None
            and key_tag(self.session_key) != user_tag(user_id)
        ):
            # Signed in on an anonymous key (Django's login() rotates the key before
            # it stores the user), or tagged under a retired SECRET_KEY: move the
            # session to a key in its user's slot, as cycle_key() would.
            return self._move_to_user_slot(data)
        written = self.store_write(data, ttl=self.store_ttl(data), only_new=must_create)
        if not written:
            raise CreateError if must_create else UpdateError
        return None

    def _move_to_user_slot(self, data: dict[str, Any]) -> None:
        old_key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.create()
        if old_key:
            self.delete(old_key)

    def _transaction(self, slot_key: str, commands: list[Command]) -> list[Any]:
        return primary_transaction(
            self._cache.client.get_client(write=True),
            slot_key=slot_key,
            commands=commands,
            wait_replicas=settings.AUTHSITE_REDIS_WAIT_REPLICAS,
            wait_ms=settings.AUTHSITE_REDIS_WAIT_MS,
        )

    def store_write(self, data: dict, *, ttl: int, only_new: bool) -> bool:
        """SET (NX for a new key, else XX: never revive an ended session) and index."""
        client = self._cache.client
        name = client.make_key(self.cache_key)
        commands: list[Command] = [
            ("SET", name, client.encode(data), "EX", ttl, "NX" if only_new else "XX")
        ]
        tag = key_tag(self.session_key or "")
        if tag is not None and timeouts.STARTED_KEY in data:
            index = client.make_key(index_name(tag))
            commands += [
                ("ZADD", index, metadata.session_expires(data), self.session_key),
                ("EXPIRE", index, settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT),
            ]
        replies = self._transaction(name, commands)
        return replies[0] is not None

    def delete(self, session_key: str | None = None) -> None:
        """Delete the session and its index entry together."""
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        client = self._cache.client
        name = client.make_key(session_name(session_key))
        commands: list[Command] = [("DEL", name)]
        tag = key_tag(session_key)
        if tag is not None:
            commands.append(("ZREM", client.make_key(index_name(tag)), session_key))
        self._transaction(name, commands)
