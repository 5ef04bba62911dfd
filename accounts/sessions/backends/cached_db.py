"""Django's cached_db engine on ``accounts.UserSession``, without hiding cache outages.

Django's version treats any cache error on read as a miss and only logs a failed cache
write, so a revoked session could be served from a stale cache entry after an outage.
Here a lost connection to the cache raises and the site answers 503.
"""

from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

from accounts.sessions.backends.db import UserSessionMixin
from accounts.unavailable import STORE_ERRORS


class SessionStore(UserSessionMixin, CachedDBStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except STORE_ERRORS:
            raise
        except Exception:
            # As Django: a key the cache refuses resets the session.
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        self._cache.set(
            self.cache_key, data, self.get_expiry_age(expiry=row.expire_date)
        )
        return data

    def save(self, must_create: bool = False) -> None:
        DBStore.save(self, must_create)
        self._cache.set(self.cache_key, self._session, self.get_expiry_age())
