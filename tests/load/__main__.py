"""``make loadtest``: simulated users against gunicorn (2 workers), loopback only.

    python -m tests.load [--users 200] [--seconds 60]

Uses the PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
when it answers, in a database of the run's own that is dropped afterwards; otherwise
an SQLite file. Redis is an embedded server of the run's own. Prints requests per
second, p50, p99 and errors, then checks: no 5xx, every successful signup is in the
database and can sign in, every session the run holds is in Redis. Exits 1 on a failed
check.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import psycopg
import redis

from authsite.embedded_redis import EmbeddedRedis
from tests.helpers.live_site import Gunicorn, manage, site_env
from tests.load import scenario

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
# Average pause between a user's actions: someone reading the page they asked for.
THINK_SECONDS = 2.0


def postgres_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def postgres_reachable(url: str) -> bool:
    try:
        psycopg.connect(postgres_dsn(url), connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def with_database_name(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def postgres_database(url: str, name: str, *, create: bool) -> None:
    with psycopg.connect(postgres_dsn(url), autocommit=True) as connection:
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
        else:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def usernames_in_database(database_url: str, usernames: list[str]) -> set[str]:
    query = "SELECT username FROM accounts_user WHERE username = ANY(%s)"
    if database_url.startswith("sqlite"):
        import sqlite3

        path = database_url.split("sqlite:///", 1)[1].split("?", 1)[0]
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT username FROM accounts_user").fetchall()
        return {row[0] for row in rows} & set(usernames)
    with psycopg.connect(postgres_dsn(database_url)) as connection:
        return {row[0] for row in connection.execute(query, (usernames,))}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def figures_print(record: scenario.Record, seconds: float) -> None:
    samples = record.samples
    by_kind: dict[str, list[scenario.Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    print(f"\n{'requests':<14}{'count':>8}{'rps':>9}{'p50 ms':>10}{'p99 ms':>10}"
          f"{'errors':>8}")  # fmt: skip
    for kind, group in [("all", samples), *sorted(by_kind.items())]:
        times = [s.seconds * 1000 for s in group]
        errors = sum(1 for s in group if s.status == 0 or s.status >= 500)
        print(
            f"{kind:<14}{len(group):>8}{len(group) / seconds:>9.1f}"
            f"{statistics.median(times):>10.1f}{percentile(times, 0.99):>10.1f}"
            f"{errors:>8}"
        )


async def users_drive(base_url: str, *, users: int, seconds: float, run_id: str):
    record = scenario.Record()
    # Idle connections are dropped before gunicorn's 2 s keep-alive ends, so a request
    # never races the server closing the connection it was about to reuse.
    limits = httpx.Limits(
        max_connections=users, max_keepalive_connections=users, keepalive_expiry=1.0
    )
    async with httpx.AsyncClient(
        base_url=base_url, timeout=60, limits=limits
    ) as client:
        deadline = asyncio.get_running_loop().time() + seconds
        await asyncio.gather(
            *(
                scenario.user_run(
                    scenario.SimulatedUser(client, record, number=n, run_id=run_id),
                    deadline=deadline,
                    think=THINK_SECONDS,
                )
                for n in range(users)
            )
        )
    return record


async def sign_ins_check(base_url: str, usernames: list[str], run_id: str) -> list[str]:
    """Sign every user in once more, 20 at a time; return the names that failed."""
    failed: list[str] = []
    record = scenario.Record()
    semaphore = asyncio.Semaphore(20)
    limits = httpx.Limits(keepalive_expiry=1.0)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=60, limits=limits
    ) as client:

        async def one(number: int, username: str) -> None:
            async with semaphore:
                # Each from an address of its own, as in the run: the sign-in form is
                # throttled per client address.
                user = scenario.SimulatedUser(
                    client, record, number=number, run_id=run_id
                )
                user.username = username
                response = await user.post_form(
                    "login",
                    "/accounts/login/",
                    {"username": username, "password": scenario.PASSWORD},
                )
                if response is None or response.status_code != 302:
                    failed.append(username)

        await asyncio.gather(*(one(n, name) for n, name in enumerate(usernames)))
    return failed


def refresh_tokens_check(
    base_url: str, record: scenario.Record
) -> tuple[list[str], list[str]]:
    """Ask /api/auth/token/verify/ about every refresh token the run held: the live
    ones must pass, the rotated ones must not. Return (refused live, accepted used)."""
    refused, accepted = [], []
    with httpx.Client(base_url=base_url, timeout=60) as client:

        def verified(token: str) -> bool:
            response = client.post(
                "/api/auth/token/verify/",
                json={"token": token},
                headers={"X-Forwarded-Proto": "https"},
            )
            return response.status_code == 200

        for username, token in record.live_refresh.items():
            if not verified(token):
                refused.append(username)
        accepted = [token for token in record.used_refresh if verified(token)]
    return refused, accepted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    workdir = Path(tempfile.mkdtemp(prefix="authsite-load-"))
    postgres_url = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES
    database_name = f"authsite_load_{run_id}"
    use_postgres = postgres_url.startswith("postgres") and postgres_reachable(
        postgres_url
    )
    if use_postgres:
        postgres_database(postgres_url, database_name, create=True)
        database_url = with_database_name(postgres_url, database_name)
        where = f"PostgreSQL database {database_name} (dropped afterwards)"
    else:
        # IMMEDIATE transactions wait for the write lock instead of failing at once.
        database_url = (
            f"sqlite:///{workdir / 'db.sqlite3'}?timeout=30&transaction_mode=IMMEDIATE"
        )
        where = f"SQLite at {workdir / 'db.sqlite3'}"
    failures: list[str] = []
    try:
        with EmbeddedRedis(workdir / "redis") as redis_server:
            key_prefix = f"load-{run_id}"
            env = site_env(
                database_url=database_url,
                redis_url=redis_server.url,
                key_prefix=key_prefix,
                var_dir=workdir,
                debug=False,
                DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                # Each simulated user sends its own X-Forwarded-For, as clients behind
                # the proxy would have their own addresses for throttles and lockout.
                AUTHSITE_TRUSTED_PROXY_COUNT="1",
                # The signup form's throttle is tested elsewhere; here it would only cap the run.
                AUTHSITE_THROTTLE_SIGNUP_FORM="",
                # Signup signs in at once, as each simulated user goes on signed in: the
                # verification mail stays in a gunicorn worker's memory, out of reach.
                # Verification has its own tests (tests/accounts, tests/e2e).
                AUTHSITE_EMAIL_VERIFICATION="none",
            )
            manage(env, "migrate", "--no-input")
            server = Gunicorn(
                env, workers=2, threads=4, log_path=workdir / "gunicorn.log"
            )
            with server:
                print(
                    f"{args.users} users for {args.seconds:.0f} s against gunicorn "
                    f"(2 workers x 4 threads) at {server.url}; {where}; "
                    f"Redis {redis_server.url}"
                )
                started = time.perf_counter()
                record = asyncio.run(
                    users_drive(
                        server.url,
                        users=args.users,
                        seconds=args.seconds,
                        run_id=run_id,
                    )
                )
                elapsed = time.perf_counter() - started
                figures_print(record, elapsed)

                sessions = redis.Redis.from_url(
                    redis_server.url.rsplit("/", 1)[0] + "/1"
                )
                # The redis strategy's session keys (accounts.sessions.strategies.redis.engine).
                cache_key = f"{key_prefix}:1:s:"
                missing_sessions = [
                    key
                    for key in record.live_sessions.values()
                    if not sessions.exists(cache_key + key)
                ]
                lingering = [
                    key
                    for key in record.ended_sessions
                    if sessions.exists(cache_key + key)
                ]
                sessions.close()
                in_database = usernames_in_database(database_url, record.signed_up)
                not_in_database = sorted(set(record.signed_up) - in_database)
                cannot_sign_in = asyncio.run(
                    sign_ins_check(server.url, record.signed_up, run_id)
                )
                refresh_refused, used_accepted = refresh_tokens_check(
                    server.url, record
                )
        server_errors = record.failures
        print(
            f"\nsignups answered success: {len(record.signed_up)}; "
            f"in the database: {len(in_database)}; "
            f"could sign in afterwards: {len(record.signed_up) - len(cannot_sign_in)}"
        )
        print(
            f"sessions held at the end: {len(record.live_sessions)}; in Redis: "
            f"{len(record.live_sessions) - len(missing_sessions)}; signed-out "
            f"sessions still in Redis: {len(lingering)}"
        )
        if server_errors:
            failures.append(f"{len(server_errors)} 5xx or unanswered requests, e.g. "
                            f"{server_errors[:3]}")  # fmt: skip
        if not_in_database:
            failures.append(f"signups missing from the database: {not_in_database[:5]}")
        if cannot_sign_in:
            failures.append(f"users who cannot sign in: {cannot_sign_in[:5]}")
        if missing_sessions:
            failures.append(f"{len(missing_sessions)} sessions missing from Redis")
        if lingering:
            failures.append(f"{len(lingering)} signed-out sessions still in Redis")
        print(
            f"API: refresh tokens held at the end: {len(record.live_refresh)}, "
            f"refused afterwards: {len(refresh_refused)}; rotated away: "
            f"{len(record.used_refresh)}, still accepted: {len(used_accepted)}; live "
            f"tokens refused during the run: {len(record.api_refused)}"
        )
        if record.api_refused:
            failures.append(f"API refused live tokens: {record.api_refused[:5]}")
        if refresh_refused:
            failures.append(f"{len(refresh_refused)} held refresh tokens refused")
        if used_accepted:
            failures.append(f"{len(used_accepted)} rotated refresh tokens accepted")
        if not record.signed_up:
            failures.append("no signup succeeded")
    finally:
        if use_postgres:
            postgres_database(postgres_url, database_name, create=False)
    for failure in failures:
        print(f"FAILED: {failure}")
    print("load test passed" if not failures else "load test FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
