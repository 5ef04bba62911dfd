"""What every session strategy and every session index must provide.

A strategy is one entry of ``accounts.sessions.registry``: it yields the Django settings
it needs (a ``StrategySettings``: ``SESSION_ENGINE``, its cache, its cookie name), says
what the server can and cannot do with its sessions, and hands out the session index
that fits its store. Code outside ``accounts/sessions/`` asks the active strategy; it
never branches on a strategy's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase


@dataclass(frozen=True)
class StrategyContext:
    """What a strategy may build its settings from: the base Redis set-up and the env."""

    redis_url: str
    redis_sessions_url: str
    key_prefix: str
    redis_options: Mapping[str, Any]
    env: Mapping[str, str] = field(default_factory=dict)
    #: Cookies are Secure (not DEBUG): a strategy that names cookies uses the prefixes.
    secure_cookies: bool = True


@dataclass(frozen=True)
class StrategySettings:
    """The Django settings a strategy needs; ``authsite.settings`` assigns each by name."""

    #: AUTHSITE_SESSION_STRATEGY: the registry name of the strategy.
    strategy: str
    #: SESSION_ENGINE: the module whose ``SessionStore`` keeps the sessions.
    session_engine: str
    #: CACHES["sessions"], when the strategy keeps its sessions in a cache.
    sessions_cache: dict[str, Any] | None = None
    #: SESSION_COOKIE_NAME, when the strategy names the cookie (jwt: the access token).
    session_cookie_name: str | None = None
    #: AUTHSITE_REDIS_WAIT_REPLICAS: replicas every session write waits for (Redis WAIT).
    redis_wait_replicas: int = 0
    #: AUTHSITE_REDIS_WAIT_MS: the longest such a write waits, in milliseconds.
    redis_wait_ms: int = 100

    def overrides(self) -> dict[str, Any]:
        """These values by setting name, for switching strategy in a running process
        (tests); ``CACHES`` holds only the ``sessions`` alias."""
        values: dict[str, Any] = {
            "AUTHSITE_SESSION_STRATEGY": self.strategy,
            "SESSION_ENGINE": self.session_engine,
            "AUTHSITE_REDIS_WAIT_REPLICAS": self.redis_wait_replicas,
            "AUTHSITE_REDIS_WAIT_MS": self.redis_wait_ms,
        }
        if self.sessions_cache is not None:
            values["CACHES"] = {"sessions": self.sessions_cache}
        if self.session_cookie_name is not None:
            values["SESSION_COOKIE_NAME"] = self.session_cookie_name
        return values


@dataclass(frozen=True)
class IndexedSession:
    """One live session as the index knows it. ``key`` is the secret session key."""

    key: str
    user_id: int
    data: Mapping[str, Any]
    expires: int


@dataclass(frozen=True)
class StoreStats:
    """What ``sessionstats`` prints for a strategy; ``None`` where it cannot be measured."""

    sessions: int | None
    users: int | None
    bytes_per_session: int | None
    notes: tuple[str, ...] = ()


class SessionIndex:
    """Each user's live sessions, kept next to the session store.

    The session data itself holds what a list shows (sign-in time, last seen, IP,
    device, remember-me); the index only finds a user's sessions and their expiry.
    """

    #: Whether ``page`` can walk every live session (memcached cannot enumerate keys).
    can_list_all: bool = True

    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        """Record a session that was just signed in."""
        raise NotImplementedError("SessionIndex.add() must record a new session")

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        """Move a known session's expiry forward (called at most once a minute)."""
        raise NotImplementedError("SessionIndex.touch() must update a session's expiry")

    def remove(self, *, user_id: int, session_key: str) -> None:
        """Forget a session that has ended; the store is not touched."""
        raise NotImplementedError("SessionIndex.remove() must forget one session")

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        """The user's live sessions, dropping expired or vanished ones on the way."""
        raise NotImplementedError("SessionIndex.sessions() must list a user's sessions")

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        """Up to ``size`` live sessions from ``cursor`` on, and the next cursor or None."""
        raise NotImplementedError("SessionIndex.page() must walk every live session")

    def stats(self, *, sample: int) -> StoreStats:
        """Count live sessions and users, and measure store bytes per session."""
        raise NotImplementedError("SessionIndex.stats() must measure the store")


class SessionStrategy:
    """Where browser sessions live, chosen by ``AUTHSITE_SESSION_STRATEGY``."""

    name: str = ""
    summary: str = ""
    #: The server keeps each session (False: the client carries it, e.g. a signed cookie).
    server_side: bool = True
    #: The server can end any of a user's sessions at once, on every server.
    revocable: bool = True
    #: Shown on the sessions page when ``revocable`` is False: what cannot be ended, why.
    revocation_limits: str = ""
    #: Each sign-in is a refresh token, and the user's record of live ones in Redis is
    #: checked on every token use (the ``jwt`` strategy; see accounts.tokens.records).
    tokens_are_sessions: bool = False

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        """Return the Django settings this strategy needs, built from ``context``."""
        raise NotImplementedError(
            f"{type(self).__name__}.django_settings() must return SESSION_ENGINE etc."
        )

    def index(self) -> SessionIndex:
        """The session index for this strategy's store."""
        raise NotImplementedError(
            f"{type(self).__name__}.index() must return a SessionIndex"
        )

    def check(self) -> list[str]:
        """Problems that stop this strategy from working, one short line each."""
        raise NotImplementedError(
            f"{type(self).__name__}.check() must test that its store answers"
        )

    def current_session(
        self, *, user_id: int, session: SessionBase
    ) -> IndexedSession | None:
        """The request's own session as an index entry, for strategies without an index."""
        return None
