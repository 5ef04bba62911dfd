"""The default SQLite database under simultaneous writes, seen through a real gunicorn.

SQLite lets one writer in at a time. Without a busy timeout and transactions that take
the write lock when they begin, a write that meets another one fails at once
("database is locked") and the user sees the 503 page instead of an account.
"""

import sqlite3
import threading
from collections import Counter
from pathlib import Path

import httpx
from django.conf import settings

from tests.factories import PASSWORD
from tests.helpers.live_site import Gunicorn, manage, site_env

SIMULTANEOUS = 60


def register_all(url: str, count: int) -> list[int]:
    """POST ``count`` registrations at once, each from its own thread; their statuses."""
    statuses: list[int] = [0] * count
    start = threading.Barrier(count)

    def register(index: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            start.wait()
            response = client.post(
                "/api/auth/register/",
                json={
                    "username": f"crowd{index}",
                    "email": f"crowd{index}@example.com",
                    "password": PASSWORD,
                },
            )
        statuses[index] = response.status_code

    threads = [threading.Thread(target=register, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_api_registrations_on_sqlite_all_answer_202(tmp_path: Path):
    env = site_env(
        # A SQLite file of this test's own, whatever database the suite runs on.
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        redis_url=settings.REDIS_URL,
        key_prefix=f"{settings.REDIS_KEY_PREFIX}:sqlite-crowd",
        var_dir=tmp_path,
        # Every registration reaches the database rather than the throttle.
        AUTHSITE_THROTTLE_REGISTER="1000/hour",
        # Cheap hashing, so that the writes overlap rather than queue behind Argon2.
        AUTHSITE_ARGON2_MEMORY_KIB="1024",
        AUTHSITE_ARGON2_TIME_COST="1",
    )
    manage(env, "migrate", "--no-input")
    server = Gunicorn(env, workers=2, threads=16, log_path=tmp_path / "gunicorn.log")

    with server:
        statuses = register_all(server.url, SIMULTANEOUS)

    # With the throttle out of the way, 202 (mandatory email verification: the user
    # and its verification are written) is the one right answer; 503 means the
    # database refused a write.
    assert Counter(statuses) == {202: SIMULTANEOUS}
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        (users,) = connection.execute("SELECT count(*) FROM accounts_user").fetchone()
        (sent,) = connection.execute(
            "SELECT count(*) FROM accounts_emailverification"
        ).fetchone()
    assert users == sent == SIMULTANEOUS
