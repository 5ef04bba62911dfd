"""Profile a warm signed-in page and a JWT API call in-process, with cProfile.

    .venv/bin/python scripts/profile_requests.py [--requests 2000] [--top 25]

Starts a Redis of its own and a SQLite database under a temporary folder, with the
settings an authbench node runs (DEBUG off, the redis strategy), signs one user in,
warms both requests up, then profiles ``--requests`` of each and prints the entries
with the most time of their own. Not part of the test suite: figures, not assertions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authsite.embedded_redis import EmbeddedRedis  # noqa: E402

PASSWORD = "profile-passphrase-" + secrets.token_urlsafe(8)


def profile(label: str, send, *, requests: int, top: int) -> None:
    for _ in range(50):
        send()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        send()
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    if os.environ.get("PROFILE_CUMULATIVE"):
        stats.sort_stats("cumulative").print_stats(
            os.environ["PROFILE_CUMULATIVE"], top
        )
    # Function calls per request do not depend on how busy the machine is; the time
    # does (the socket waits above all).
    calls = stats.total_calls / requests  # type: ignore[attr-defined]
    print(f"== {label}: {requests} requests, {calls:,.0f} function calls and "
          f"{elapsed / requests * 1e6:,.0f} us each (under the profiler)")  # fmt: skip
    print(out.getvalue().split("\n\n", 1)[-1].rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="authsite-profile-"))
    server = EmbeddedRedis(folder)
    server.start()
    try:
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="authsite.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_SECURE_SSL_REDIRECT="0",
            JWT_SIGNING_KEY=secrets.token_urlsafe(48),
            AUTHSITE_MFA_KEY=Fernet.generate_key().decode(),
            REDIS_URL=server.url,
            AUTHSITE_VAR_DIR=str(folder / "var"),
            AUTHSITE_SESSION_STRATEGY="redis",
            AUTHSITE_LAB_BENCH="1",
            AUTHSITE_LOG_LEVEL="WARNING",
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from accounts.models import User

        call_command("migrate", verbosity=0)
        User.objects.create_user(username="profiled", password=PASSWORD)
        page = Client()
        answer = page.post(
            "/accounts/login/", {"username": "profiled", "password": PASSWORD}
        )
        if answer.status_code != 302:
            raise SystemExit(f"sign-in answered {answer.status_code}")
        api = Client()
        token = api.post(
            "/api/auth/token/",
            {"username": "profiled", "password": PASSWORD},
            content_type="application/json",
        ).json()["access"]

        def page_get() -> None:
            if page.get("/").status_code != 200:
                raise SystemExit("the signed-in page did not answer 200")

        def api_get() -> None:
            answer = api.get(
                "/lab/bench/api/me/", headers={"Authorization": f"Bearer {token}"}
            )
            if answer.status_code != 200:
                raise SystemExit("the API call did not answer 200")

        profile(
            "signed-in page (redis)", page_get, requests=args.requests, top=args.top
        )
        profile("JWT API call", api_get, requests=args.requests, top=args.top)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
