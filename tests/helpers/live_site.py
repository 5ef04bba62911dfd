"""The site served by a real gunicorn, for tests and tools that need a separate server.

Used where pytest-django's in-process live server will not do: a server started with
its own DATABASE_URL (a database that is down), production settings, or several worker
processes under load. Everything binds 127.0.0.1 on a free port and is always stopped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from authsite.embedded_redis import free_port, port_open, process_stop

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_SECRET_KEY = "q8Vn2!tR-wZ4pL0m@Ks7#yB1xE9uH3dJ6cF5gA^zT_" * 2
PRODUCTION_JWT_SIGNING_KEY = "z7Kq-Lr2+Vb9#Hn4$Wc6!Tm1@Yd8%Gs3^Pf5&Jx0*Ae7" * 2
PRODUCTION_MFA_KEY = "Pl1n4p8fC1fKkQ2uWx6v1S0Qm3cF3bq7oT9yZ6hJ8dA="


def site_env(
    *,
    database_url: str,
    redis_url: str,
    key_prefix: str,
    var_dir: Path,
    debug: bool = True,
    **extra: str,
) -> dict[str, str]:
    """Environment for authsite.settings: this process's, minus the test settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AUTHSITE_", "PYTEST_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "REDIS_SESSIONS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="authsite.settings",
        DJANGO_DEBUG="1" if debug else "0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        AUTHSITE_REDIS_KEY_PREFIX=key_prefix,
        AUTHSITE_VAR_DIR=str(var_dir),
    )
    if not debug:
        env.update(
            DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            AUTHSITE_SITE_URL="https://auth.example.com",
            JWT_SIGNING_KEY=PRODUCTION_JWT_SIGNING_KEY,
            AUTHSITE_MFA_KEY=PRODUCTION_MFA_KEY,
        )
    env.update(extra)
    return env


def fresh_process(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python *args`` in the project folder, in a process whose environment is
    ``env`` over a bare one (PATH, a var folder of its own, the run's Redis and key
    prefix); return the result, failed or not."""
    from django.conf import settings

    with tempfile.TemporaryDirectory(prefix="authsite-fresh-") as var_dir:
        return subprocess.run(
            [sys.executable, *args],
            cwd=BASE_DIR,
            env={
                "PATH": "/usr/bin:/bin",
                "AUTHSITE_VAR_DIR": var_dir,
                "REDIS_URL": settings.REDIS_URL,
                "AUTHSITE_REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
                **env,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )


def manage_check(**env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py check`` in a fresh process (see fresh_process)."""
    return fresh_process("manage.py", "check", **env)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` with ``env``; raise with its output when it fails."""
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result


class Gunicorn:
    """gunicorn serving authsite.wsgi on 127.0.0.1, started with ``env``."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int = 1,
        threads: int = 1,
        log_path: Path | None = None,
    ) -> None:
        self.env = env
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> str:
        """Start gunicorn and wait until it accepts connections; return its URL."""
        log = open(self.log_path or os.devnull, "ab")  # noqa: SIM115 (closed in stop)
        self._log = log
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "authsite.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers),
                "--threads", str(self.threads),
                "--backlog", "2048",
                "--timeout", "120",
                # Far longer than any client's idle expiry, so the server never closes
                # a kept-alive connection just as a client sends on it.
                "--keep-alive", "30",
                "--error-logfile", "-",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not port_open("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start on port {self.port}")
            time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        """Stop gunicorn (TERM, then KILL after 10 s) and wait for it."""
        if self.process is not None:
            process_stop(self.process)
            self.process = None
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_token(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    match = _TOKEN.search(html)
    if match is None:
        raise AssertionError("no CSRF token in the page")
    return match[1]
