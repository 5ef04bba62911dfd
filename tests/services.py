"""Real services for the test run: the Redis at REDIS_URL, or one started here.

Nothing here flushes a Redis it did not start: every key the tests write carries a
prefix unique to this run, and cleanup deletes that prefix only.
"""

import atexit
import os
import tempfile
import uuid
from pathlib import Path

import redis

from authsite.embedded_redis import EmbeddedRedis

_embedded: EmbeddedRedis | None = None


def redis_url_for_tests() -> str:
    """REDIS_URL when set, else the URL of a Redis started for this run."""
    global _embedded
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if _embedded is None:
        _embedded = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="authsite-test-redis-")))
        _embedded.start()
        atexit.register(_embedded.stop)
    return _embedded.url


def unique_key_prefix() -> str:
    return f"authsite-test-{uuid.uuid4().hex[:12]}"


def delete_prefixed_keys(url: str, prefix: str) -> int:
    """Delete the keys that start with ``prefix`` (SCAN, never KEYS); return how many."""
    client = redis.Redis.from_url(url)
    deleted = 0
    try:
        batch = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for start in range(0, len(batch), 500):
            deleted += client.delete(*batch[start : start + 500])
    finally:
        client.close()
    return deleted
