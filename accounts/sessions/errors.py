"""The connection failures of every store a session strategy may use.

Redis (django-redis wraps most of them in ConnectionInterrupted), memcached (raises the
builtin ConnectionError and TimeoutError, and pymemcache's MemcacheError once it counts
the server as down). Django refuses a key that memcached would not take before
pymemcache sees it, so a MemcacheError here always means the server, never the request.
Engines let these propagate (the site answers 503) rather than sign users out.
"""

import pymemcache.exceptions
import redis.exceptions
from django_redis.exceptions import ConnectionInterrupted

STORE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionInterrupted,
    ConnectionError,
    TimeoutError,
    pymemcache.exceptions.MemcacheError,
)
