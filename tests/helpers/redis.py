"""Redis for the test run: the run's shared server, and servers a test may stop.

Nothing here flushes a Redis it did not start: every key the tests write to the shared
server carries a prefix unique to this run, and cleanup deletes that prefix only.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import redis

from authsite.embedded_redis import EmbeddedRedis

_embedded: EmbeddedRedis | None = None


def redis_url_for_tests() -> str:
    """REDIS_URL when set, else the URL of a Redis started for this run."""
    global _embedded
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if _embedded is None:
        directory = Path(tempfile.mkdtemp(prefix="authsite-test-redis-"))
        _embedded = EmbeddedRedis(directory)
        _embedded.start()
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        atexit.register(_embedded.stop)  # atexit runs last-registered first
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


class StoppableRedis:
    """Start Redis servers of one test's own, each the store of the cache aliases named.

    Calling it with cache aliases (``"sessions"``, ``"default"``) and EmbeddedRedis
    options (``extra_args``, ``sentinel_config``) starts a real redis-server, points
    each alias of ``settings.CACHES`` at it and returns it; the test may ``stop()`` and
    ``start()`` it. ``close()`` stops every server, removes its files and puts CACHES
    back.

    django-axes builds its cache handler once and keeps the cache object it got, across
    a CACHES override: whenever CACHES changes here the handler is built anew, or axes
    would keep writing to the old store (and, once CACHES is put back, to a stopped
    server).
    """

    def __init__(self, directory: Path, settings: Any) -> None:
        self.directory = directory
        self.settings = settings
        self.servers: list[EmbeddedRedis] = []
        self.original_caches: dict | None = None

    def __call__(self, *aliases: str, **options: Any) -> EmbeddedRedis:
        server = EmbeddedRedis(self.directory / f"redis-{len(self.servers)}", **options)
        self.servers.append(server)
        server.start()
        if aliases:
            if self.original_caches is None:
                self.original_caches = self.settings.CACHES
            caches = dict(self.settings.CACHES)
            for alias in aliases:
                caches[alias] = {**caches[alias], "LOCATION": server.url}
            self.settings.CACHES = caches
            self._axes_follow()
        return server

    def close(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
        if self.original_caches is not None:
            self.settings.CACHES = self.original_caches
            self._axes_follow()

    def _axes_follow(self) -> None:
        # tests/settings.py imports this module before Django is set up, and axes
        # cannot be imported before then.
        from axes.handlers.proxy import AxesProxyHandler

        AxesProxyHandler.get_implementation(force=True)
