"""The ``redis`` strategy's engine: the strict cache engine with short Redis keys.

With the sessions alias's compact serializer this keeps a signed-in session, with its
index entry, at about 300 bytes of Redis memory (``manage.py sessionstats``).
"""

from accounts.sessions.backends.cache import SessionStore as StrictCacheSessionStore

KEY_PREFIX = "s:"


class SessionStore(StrictCacheSessionStore):
    cache_key_prefix = KEY_PREFIX
