"""The ``redis`` strategy's engine: the strict cache engine with short Redis keys.

With the sessions alias's compact codec (``accounts.sessions.codec``) and
22-character session keys, a signed-in session with its index entry takes about 300
bytes of Redis memory; ``manage.py sessionstats`` measures it.
"""

import string
import time
from typing import Any

from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.utils.crypto import get_random_string

from accounts.sessions import metadata, timeouts
from accounts.sessions.cache import StrictCacheSessionStore

KEY_PREFIX = "s:"
# 22 characters from 62 carry 131 random bits, more than Django's 32 from 36 need
# (128 bits is the usual bar for a bearer token), in 10 fewer bytes: the key is stored
# twice, as the session's Redis key and as the member of the user's index.
KEY_CHARS = string.ascii_letters + string.digits
KEY_LENGTH = 22


class SessionStore(StrictCacheSessionStore):
    cache_key_prefix = KEY_PREFIX

    def _get_new_session_key(self) -> str:
        while True:
            session_key = get_random_string(KEY_LENGTH, KEY_CHARS)
            if not self.exists(session_key):
                return session_key

    def store_ttl(self, data: dict[str, Any]) -> int:
        """Seconds Redis keeps the session: no longer than the server would honour it.

        Django keeps every session for SESSION_COOKIE_AGE (the absolute timeout); a
        signed-in one here expires with its idle timeout instead, moved forward at each
        once-a-minute touch, so abandoned sessions leave Redis weeks earlier.
        """
        age = self.get_expiry_age()
        if timeouts.STARTED_KEY not in data:
            return age
        remaining = metadata.session_expires(data) - int(time.time())
        return max(1, min(age, remaining))

    def save(self, must_create: bool = False) -> None:
        # Django's cache engine's save(), with store_ttl() as the expiry.
        if self.session_key is None:
            return self.create()
        if not must_create and self._cache.get(self.cache_key) is None:
            raise UpdateError
        data = self._get_session(no_load=must_create)
        result = self.store_write(data, ttl=self.store_ttl(data), only_new=must_create)
        if must_create and not result:
            raise CreateError
        return None

    def store_write(self, data: dict[str, Any], *, ttl: int, only_new: bool) -> bool:
        """Write the session; with ``only_new``, only if its key is free. True if written."""
        func = self._cache.add if only_new else self._cache.set
        return bool(func(self.cache_key, data, ttl))
