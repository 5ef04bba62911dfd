"""Stateless browser sessions: the access token is the session cookie (issue 4).

The HTML sign-in issues a refresh token (the sign-in) and an access token (the session
cookie, short-lived). A page view verifies the access token's signature and reads the
user's Redis record once: the user snapshot, the revocation time and the live sign-ins
(``accounts.sessions.tokens``). No session store is read or written.
"""

from __future__ import annotations

from accounts.sessions.base import (
    SessionIndex,
    SessionStrategy,
    StrategyContext,
    StrategySettings,
)


class JWTStrategy(SessionStrategy):
    name = "jwt"
    summary = (
        "Signed-in browsers carry a short-lived access token and a refresh token in "
        "HttpOnly cookies; Redis keeps one record per user of the live sign-ins."
    )
    tokens_are_sessions = True

    def django_settings(self, context: StrategyContext) -> StrategySettings:
        return StrategySettings(
            strategy=self.name,
            session_engine="accounts.sessions.backends.jwt",
            # The session cookie is the API's access cookie (accounts.api.cookies).
            session_cookie_name="__Host-access" if context.secure_cookies else "access",
        )

    def index(self) -> SessionIndex:
        from accounts.sessions.indexes.tokens import TokenSessionIndex

        return TokenSessionIndex()

    def check(self) -> list[str]:
        from django_redis import get_redis_connection

        from accounts.security.redaction import redacted_url

        try:
            get_redis_connection("default").ping()
        except Exception as exc:
            from django.conf import settings

            url = redacted_url(settings.CACHES["default"]["LOCATION"])
            return [f"Redis at {url} is unreachable: {exc}"]
        return []
