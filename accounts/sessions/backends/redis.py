"""The ``redis`` strategy's engine: the strict cache engine with short Redis keys.

With the sessions alias's compact serializer (``accounts.sessions.serializers``) and
22-character session keys, a signed-in session with its index entry takes about 300
bytes of Redis memory; ``manage.py sessionstats`` measures it.
"""

import string

from django.utils.crypto import get_random_string

from accounts.sessions.backends.cache import SessionStore as StrictCacheSessionStore

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
