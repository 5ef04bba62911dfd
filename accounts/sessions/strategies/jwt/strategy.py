"""Stateless browser sessions: the access token is the session cookie.

The HTML sign-in issues a refresh token (the sign-in) and an access token (the session
cookie, short-lived). A page view verifies the access token's signature and reads the
user's Redis record once: the user snapshot, the revocation time and the live sign-ins
(``accounts.tokens.records``). No session store is read or written.
"""

from __future__ import annotations

from django.conf import settings
from django_redis import get_redis_connection

from accounts.security.redaction import redacted_url
from accounts.sessions.base import (
    SessionIndex,
    SessionStrategy,
    StrategyContext,
    StrategySettings,
)
from accounts.tokens.cookies import access_cookie_name


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
            session_engine="accounts.sessions.strategies.jwt.engine",
            # The session cookie is the access token's cookie, as in the API.
            session_cookie_name=access_cookie_name(secure=context.secure_cookies),
        )

    def index(self) -> SessionIndex:
        # Imported when asked for: settings load this module before the apps are
        # ready, and the index reaches the token models through accounts.tokens.
        from accounts.sessions.strategies.jwt.index import TokenSessionIndex

        return TokenSessionIndex()

    def check(self) -> list[str]:
        try:
            get_redis_connection("default").ping()
        except Exception as exc:  # any failure to reach Redis is the one finding
            url = redacted_url(str(settings.CACHES["default"]["LOCATION"]))
            return [f"Redis at {url} is unreachable: {exc}"]
        return []
