"""Start the lab's servers on 127.0.0.1 and stop every one of them, whatever happens.

``Processes`` is a context manager: leaving it (normally, by an exception, or by
Ctrl-C / SIGTERM, which it turns into KeyboardInterrupt) stops everything it started,
newest first. Logs and config files go under the run's folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import redis

from authsite.embedded_redis import EmbeddedRedis, free_port, port_open, process_stop

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALL_HINTS = {
    "nginx": "nginx is not installed: apt-get install nginx",
    "memcached": "memcached is not installed: apt-get install memcached",
}


# What signal.signal() returns and accepts back (typeshed's private _HANDLER).
SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class LabError(RuntimeError):
    """A run cannot go on; the message says why in one line."""


SYSTEM_FOLDERS = ("/usr/sbin", "/usr/local/sbin", "/usr/bin")


def binary_find(*, name: str, folders: tuple[str, ...] = SYSTEM_FOLDERS) -> str:
    """Return the path of a system binary, or raise LabError saying how to install it.

    ``folders`` are searched after PATH: nginx lives in /usr/sbin, often not on PATH.
    """
    found = shutil.which(name) or next(
        (
            str(Path(folder) / name)
            for folder in folders
            if (Path(folder) / name).exists()
        ),
        None,
    )
    if found is None:
        raise LabError(INSTALL_HINTS.get(name, f"{name} is not installed"))
    return found


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise LabError(f"{what} did not come up within {timeout:.0f} s")
        time.sleep(0.05)


class Processes:
    """Everything started for one run, stopped in reverse order on exit."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._stoppers: list[Callable[[], None]] = []
        self._previous_sigterm: SignalHandler = None

    def __enter__(self) -> Processes:
        # SIGTERM (a CI timeout, `kill`) takes the same clean-up path as Ctrl-C.
        if _in_main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()
        if _in_main_thread() and self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)

    def stop_all(self) -> None:
        """Stop everything, newest first; a second Ctrl-C does not cut this short."""
        interrupted: BaseException | None = None
        previous = None
        if _in_main_thread():
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            while self._stoppers:
                stop = self._stoppers.pop()
                try:
                    stop()
                except BaseException as exc:  # keep stopping the others
                    if isinstance(exc, KeyboardInterrupt):
                        interrupted = exc
                    else:
                        print(f"lab: could not stop a server: {exc}", file=sys.stderr)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if interrupted is not None:
            raise interrupted

    def stop_at_exit(self, stop: Callable[[], None]) -> None:
        """Call ``stop`` on exit with the rest, for a server started elsewhere."""
        self._stoppers.append(stop)

    # --- Redis, Sentinel, memcached ------------------------------------------------

    def redis_start(self, *, name: str, extra_args: list[str] | None = None) -> str:
        server = EmbeddedRedis(self.directory / name, extra_args=extra_args)
        self._stoppers.append(server.stop)
        return server.start()

    def redis_replica_start(self, *, name: str, primary_port: int) -> str:
        """Start a replica of the primary and wait until its link is up."""
        url = self.redis_start(
            name=name, extra_args=["--replicaof", "127.0.0.1", str(primary_port)]
        )
        client = redis.Redis.from_url(url)
        try:
            wait_until(
                lambda: client.info("replication").get("master_link_status") == "up",
                timeout=15,
                what=f"Redis replica {name}",
            )
        finally:
            client.close()
        return url

    def sentinel_start(self, *, name: str, master: str, primary_port: int) -> str:
        config = (
            f"dir {self.directory / name}\n"
            f"sentinel monitor {master} 127.0.0.1 {primary_port} 1\n"
            f"sentinel down-after-milliseconds {master} 5000\n"
        )
        server = EmbeddedRedis(self.directory / name, sentinel_config=config)
        self._stoppers.append(server.stop)
        server.start()
        return f"127.0.0.1:{server.port}"

    def memcached_start(self, *, name: str) -> str:
        binary = binary_find(name="memcached")
        port = free_port()
        user = ["-u", "root"] if os.geteuid() == 0 else []
        self.spawn(
            name=name,
            command=[binary, "-l", "127.0.0.1", "-p", str(port), "-U", "0", *user],
        )
        wait_until(lambda: port_open("127.0.0.1", port), timeout=10, what=name)
        return f"127.0.0.1:{port}"

    # --- Any process -----------------------------------------------------------------

    def spawn(
        self, *, name: str, command: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """Start ``command`` with its output in ``<name>.log``; stop it on exit."""
        log = (self.directory / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

        def stop() -> None:
            try:
                process_stop(process)
            finally:
                log.close()

        self._stoppers.append(stop)
        return process

    def log_tail(self, *, name: str, lines: int = 15) -> str:
        path = self.directory / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
