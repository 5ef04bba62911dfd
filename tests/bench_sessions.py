"""Benchmark: the admin's live-sessions page and sessionstats with 100,000 sessions.

    make bench-sessions            # or: SESSIONS=20000 make bench-sessions

Starts a Redis of its own (stopped at the end), fills it with signed-in sessions in the
``redis`` strategy's real layout under the shipped key prefix, then prints how long the
pages and the command take. Prints figures; it asserts nothing about time.
"""

import os
import tempfile
import time
from io import StringIO
from pathlib import Path

from authsite.embedded_redis import EmbeddedRedis

_redis = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="authsite-bench-")))
_redis.start()
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "authsite.settings",
        "REDIS_URL": _redis.url,
        "AUTHSITE_VAR_DIR": tempfile.mkdtemp(prefix="authsite-bench-var-"),
        "AUTHSITE_SESSION_STRATEGY": "redis",
    }
)
os.environ.pop("REDIS_SESSIONS_URL", None)
os.environ.pop("AUTHSITE_REDIS_KEY_PREFIX", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from django_redis import get_redis_connection  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.sessions.codec import CompactSessionCodec  # noqa: E402
from accounts.sessions.strategies.redis.engine import (  # noqa: E402
    KEY_CHARS,
    KEY_LENGTH,
    KEY_PREFIX,
)
from accounts.sessions.strategies.redis.index import USER_KEY  # noqa: E402


def sessions_fill(count: int) -> None:
    from django.core.cache import caches

    cache = caches["sessions"]
    client = get_redis_connection("sessions")
    serializer = CompactSessionCodec()
    now = int(time.time())
    ttl = settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT
    pipe = client.pipeline(transaction=False)
    for n in range(count):
        user_id = 1_000_000 + n
        key = get_random_string(KEY_LENGTH, KEY_CHARS)
        data = {
            "_auth_user_id": str(user_id),
            "_auth_user_backend": settings.AUTHENTICATION_BACKENDS[0],
            "_auth_user_hash": get_random_string(64, "0123456789abcdef"),
            "_t0": now,
            "_ts": now,
            "_ip": "203.0.113.77",
            "_dv": "Chrome 124 on Windows 10",
        }
        pipe.set(cache.make_key(KEY_PREFIX + key), serializer.dumps(data), ex=ttl)
        user_key = cache.make_key(USER_KEY.format(user_id))
        pipe.zadd(user_key, {key: now + settings.AUTHSITE_SESSION_IDLE_TIMEOUT})
        pipe.expire(user_key, ttl)
        if n % 5000 == 4999:
            pipe.execute()
    pipe.execute()


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label}: {(time.perf_counter() - started) * 1000:.1f} ms")
    return result


def main() -> None:
    count = int(os.environ.get("SESSIONS", "100000"))
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    try:
        admin = User.objects.create_superuser("bench", "bench@example.com", None)
        timed(f"fill {count} sessions", lambda: sessions_fill(count))
        client = Client()
        client.force_login(admin)
        first = timed(
            "admin live sessions, first page",
            lambda: client.get("/admin/accounts/livesession/"),
        )
        cursor = first.context["next_cursor"]
        print(f"  rows: {len(first.context['rows'])}, next cursor: {cursor}")
        for page in range(2, 6):
            response = timed(
                f"admin live sessions, page {page}",
                lambda at=cursor: client.get(
                    f"/admin/accounts/livesession/?cursor={at}"
                ),
            )
            cursor = response.context["next_cursor"]
        out = StringIO()
        timed("sessionstats", lambda: call_command("sessionstats", stdout=out))
        print("  " + out.getvalue().strip().replace("\n", "\n  "))
    finally:
        connection.creation.destroy_test_db(":memory:", verbosity=0)
        _redis.stop()


if __name__ == "__main__":
    main()
