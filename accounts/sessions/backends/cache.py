"""Django's cache session engine, minus one behaviour: it never hides a store outage.

Django's ``load()`` treats every exception from the cache as "no session", so a Redis
that is down would sign every user out silently. Here a lost connection propagates,
and ServiceUnavailableMiddleware answers 503 instead.
"""

from typing import Any

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore

from accounts.unavailable import STORE_ERRORS


class SessionStore(CacheSessionStore):
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
