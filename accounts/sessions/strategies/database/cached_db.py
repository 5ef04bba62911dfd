"""The ``cached_db`` strategy's engine: Django's cached_db on ``UserSession``, without
hiding cache outages, and with the user's snapshot next to each session in the cache.

Django's version treats any cache error on read as a miss and only logs a failed cache
write, so a revoked session could be served from a stale cache entry after an outage.
Here a lost connection to the cache raises and the site answers 503.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

from accounts.sessions.cache import UserSnapshotMixin
from accounts.sessions.models import UserSession
from accounts.sessions.strategies.database.db import UserSessionMixin


class SessionStore(UserSnapshotMixin, UserSessionMixin, CachedDBStore):
    # Django's private attributes, which its type stubs leave out.
    _cache: Any
    if TYPE_CHECKING:

        @property
        def _session(self) -> dict[str, Any]: ...

        def _get_session_from_db(self) -> UserSession | None: ...

    def load(self) -> dict[str, Any]:
        # With the user's snapshot: a warm page then reads no database row at all.
        data = self.load_with_snapshot(self.cache_key)
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
