"""Sessions in a signed cookie: the server keeps nothing and cannot end a session."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from accounts.sessions import metadata
from accounts.sessions.base import (
    IndexedSession,
    SessionIndex,
    SessionStrategy,
    StrategyContext,
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

    def django_settings(self, context: StrategyContext) -> dict[str, Any]:
        return {"SESSION_ENGINE": "django.contrib.sessions.backends.signed_cookies"}

    def index(self) -> SessionIndex:
        from accounts.sessions.indexes.stateless import NoSessionIndex

        return NoSessionIndex()

    def check(self) -> list[str]:
        return []

    def current_session(
        self, *, user_id: int, session: SessionBase
    ) -> IndexedSession | None:
        data = dict(session.items())
        key = session.session_key or ""
        return IndexedSession(key, user_id, data, metadata.session_expires(data))
