"""Sessions in a signed cookie: the server keeps nothing and cannot end a session.

The engine is Django's own ``signed_cookies``; with nothing on the server, there is no
index to keep either (``NoSessionIndex``).
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from accounts.sessions import metadata
from accounts.sessions.base import (
    IndexedSession,
    SessionIndex,
    SessionStrategy,
    StoreStats,
    StrategyContext,
    StrategySettings,
)


class NoSessionIndex(SessionIndex):
    """No index: the session lives in the browser, the server keeps nothing."""

    can_list_all = False

    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        """Nothing is kept on the server."""

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        """Nothing is kept on the server."""

    def remove(self, *, user_id: int, session_key: str) -> None:
        """Nothing is kept on the server."""

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        return []

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        return [], None

    def stats(self, *, sample: int) -> StoreStats:
        return StoreStats(
            sessions=None,
            users=None,
            bytes_per_session=0,
            notes=("sessions live in the browser's cookie; the server stores nothing",),
        )


class SignedCookiesStrategy(SessionStrategy):
    name = "signed_cookies"
    summary = "The session lives in a signed cookie; nothing is kept on the server."
    server_side = False
    revocable = False
    revocation_limits = (
        "This site keeps your session in a signed cookie in your browser, not on the "
        "server, so the server has no list of your other sessions and cannot end "
        "them. Signing out here clears this browser's cookie; a copy of the cookie "
        "stays valid until it expires. Changing your password ends every other "
        "session, because each cookie carries a fingerprint of the old password."
    )

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        return StrategySettings(
            strategy=self.name,
            session_engine="django.contrib.sessions.backends.signed_cookies",
        )

    def index(self) -> SessionIndex:
        return NoSessionIndex()

    def check(self) -> list[str]:
        return []

    def current_session(
        self, *, user_id: int, session: SessionBase
    ) -> IndexedSession | None:
        data = dict(session.items())
        key = session.session_key or ""
        return IndexedSession(key, user_id, data, metadata.session_expires(data))
