"""One run's servers: the stores a strategy needs, N app nodes, nginx in front.

Every node is configured by environment variables only (``node_env``), the way a
deployment would be; each node is asked which strategy it runs (the
``X-Session-Strategy`` header of ``lab.middleware``) before any figure is taken.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from cryptography.fernet import Fernet

from authsite.embedded_redis import free_port, port_open
from lab.runner import strategies as lab
from lab.runner.client import Client
from lab.runner.metrics import (
    StoreCounters,
    keys_count,
    memcached_counters,
    redis_counters,
)
from lab.runner.nginx import nginx_config
from lab.runner.processes import (
    BASE_DIR,
    LabError,
    Processes,
    binary_find,
    wait_until,
)
from lab.runner.redis_cluster import RedisClusterServers

# Variables of the caller's own deployment that must not leak into a lab node.
_NOT_INHERITED = ("DJANGO_", "AUTHSITE_", "REDIS_", "MEMCACHED_", "JWT_", "DATABASE_")
SENTINEL_MASTER = "authsite-lab"
KEY_PREFIX = "lab"
# A session's key in the sessions cache: django-redis's "<prefix>:<version>:<key>", and
# both Redis session engines name a session "s:..." (the index keys are "u:...").
SESSION_KEYS = f"{KEY_PREFIX}:*:s:*"


def base_env(*, database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment every lab process starts from: production settings, lab stores."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
    env.update(
        DJANGO_SETTINGS_MODULE="authsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        AUTHSITE_SITE_URL="http://127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        AUTHSITE_VAR_DIR=str(var_dir),
        AUTHSITE_REDIS_KEY_PREFIX=KEY_PREFIX,
        AUTHSITE_LOG_LEVEL="WARNING",
        JWT_SIGNING_KEY=secrets.token_urlsafe(48),
        AUTHSITE_MFA_KEY=Fernet.generate_key().decode(),
        # Every simulated user comes from 127.0.0.1: per-address limits would throttle
        # the lab itself, not a crowd of real clients.
        AUTHSITE_THROTTLE_TOKEN="1000000/minute",  # noqa: S106 - a rate
        AUTHSITE_THROTTLE_REFRESH="1000000/minute",
        AUTHSITE_THROTTLE_LOGIN_FORM="1000000/minute",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def env_for_node(
    *, base: dict[str, str], strategy: lab.LabStrategy, values: dict[str, str]
) -> dict[str, str]:
    env = dict(base)
    env["AUTHSITE_SESSION_STRATEGY"] = strategy.name
    for name, template in strategy.node_env.items():
        if template is None:
            env.pop(name, None)
        else:
            env[name] = template.format(**values)
    return env


@dataclass
class Cluster:
    """Addresses of what was started, and how to read the stores' counters."""

    strategy: lab.LabStrategy
    balancer: str
    port: int = 0
    nodes: dict[str, int] = field(default_factory=dict)
    cache_url: str = ""
    sessions_url: str = ""
    replica_urls: list[str] = field(default_factory=list)
    memcached_location: str = ""
    # redis-cluster: its primaries by address ("127.0.0.1:port") and their replicas.
    shards: dict[str, str] = field(default_factory=dict)
    shard_replica_urls: list[str] = field(default_factory=list)
    # The first node's environment: what a management command on a node would see.
    node_env: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def replicas_per_write(self) -> int:
        """How many replicas receive each session write."""
        if self.shards:
            return len(self.shard_replica_urls) // len(self.shards)
        return len(self.replica_urls)

    def store_counters(self) -> StoreCounters:
        """Session-store counters: sessions Redis (and replicas) or the cluster's
        primaries (and replicas), memcached."""
        if self.shards:
            total = sum(self.shard_counters().values(), StoreCounters())
        else:
            total = redis_counters(url=self.sessions_url)
        for url in self.replica_urls + self.shard_replica_urls:
            total = total + redis_counters(url=url, replica=True)
        if self.memcached_location:
            total = total + memcached_counters(location=self.memcached_location)
        return total

    def shard_counters(self) -> dict[str, StoreCounters]:
        """Counters of each redis-cluster primary."""
        return {name: redis_counters(url=url) for name, url in self.shards.items()}

    def shard_session_keys(self) -> dict[str, int]:
        """How many session keys each redis-cluster primary holds."""
        return {
            name: keys_count(url=url, match=SESSION_KEYS)
            for name, url in self.shards.items()
        }

    def cache_counters(self) -> StoreCounters:
        return redis_counters(url=self.cache_url)


def cluster_start(
    *,
    processes: Processes,
    strategy: lab.LabStrategy,
    nodes: int,
    balancer: str,
    env: dict[str, str],
    extra_node_env: dict[str, str] | None = None,
    with_balancer: bool = True,
    shards: int = lab.SHARDS_DEFAULT,
    workers: int = 1,
) -> Cluster:
    """Start stores, ``nodes`` gunicorn nodes and (unless told not to) nginx.

    ``shards``: the primaries of a redis-cluster run's cluster (one replica each).
    """
    nginx = binary_find(name="nginx") if with_balancer else ""
    cluster = Cluster(strategy=strategy, balancer=balancer)
    cluster.cache_url = processes.redis_start(name="redis-cache")
    cluster.sessions_url = processes.redis_start(name="redis-sessions")
    sessions_port = int(cluster.sessions_url.rsplit(":", 1)[1].split("/")[0])
    values = {
        "sessions_url": cluster.sessions_url,
        "sessions_port": str(sessions_port),
        "replica_url": "",
    }
    if lab.REPLICAS in strategy.services:
        cluster.replica_urls = [
            processes.redis_replica_start(
                name=f"redis-replica{n}", primary_port=sessions_port
            )
            for n in range(1, nodes + 1)
        ]
    if lab.SENTINEL in strategy.services:
        values["sentinels"] = processes.sentinel_start(
            name="sentinel", master=SENTINEL_MASTER, primary_port=sessions_port
        )
        values["sentinel_master"] = SENTINEL_MASTER
    if lab.MEMCACHED in strategy.services:
        cluster.memcached_location = processes.memcached_start(name="memcached")
        values["memcached_location"] = cluster.memcached_location
    if lab.REDIS_CLUSTER in strategy.services:
        values["cluster_nodes"] = redis_cluster_start(
            processes=processes, cluster=cluster, shards=shards
        )
    env = {
        **env,
        "REDIS_URL": cluster.cache_url,
        "REDIS_SESSIONS_URL": cluster.sessions_url,
    }

    started = {}
    for n in range(1, nodes + 1):
        name = f"node{n}"
        values["node"] = str(n)
        if cluster.replica_urls:
            values["replica_url"] = cluster.replica_urls[n - 1]
        node_env = env_for_node(base=env, strategy=strategy, values=values)
        node_env.update(extra_node_env or {}, AUTHSITE_NODE_NAME=name)
        cluster.node_env = cluster.node_env or node_env
        port = free_port()
        started[name] = (
            port,
            processes.spawn(
                name=name,
                command=gunicorn_command(port=port, workers=workers),
                env=node_env,
            ),
        )
    for name, (port, process) in started.items():
        try:
            wait_until(
                partial(_exited_or_listening, process=process, port=port),
                timeout=60,
                what=name,
            )
        except LabError:
            raise LabError(
                f"{name} did not start:\n{processes.log_tail(name=name)}"
            ) from None
        failure: Exception | None = None
        try:
            if process.poll() is None:
                node_strategy_check(port=port, name=name, strategy=strategy.name)
        except (OSError, http.client.HTTPException) as exc:
            # gunicorn listens before its worker has loaded the site: a site that
            # cannot load ends the process, and the connection with it.
            failure = exc
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        if process.poll() is not None:
            raise _node_failed(processes, name=name)
        if failure is not None:
            raise LabError(f"{name} did not answer GET /: {failure}")
        cluster.nodes[name] = port

    if with_balancer:
        cluster.port = free_port()
        directory = processes.directory / "nginx"
        directory.mkdir(exist_ok=True)
        conf = directory / "nginx.conf"
        conf.write_text(
            nginx_config(
                directory=directory,
                port=cluster.port,
                nodes=cluster.nodes,
                balancer=balancer,
                hash_cookie=strategy.sign_in_cookie,
            )
        )
        nginx_process = processes.spawn(
            name="nginx",
            command=[nginx, "-p", str(directory), "-e", str(directory / "startup.log"), "-c", str(conf)],
        )  # fmt: skip
        wait_until(
            partial(_exited_or_listening, process=nginx_process, port=cluster.port),
            timeout=15,
            what="nginx",
        )
        if nginx_process.poll() is not None:
            raise LabError(f"nginx did not start:\n{processes.log_tail(name='nginx')}")
    return cluster


def redis_cluster_start(*, processes: Processes, cluster: Cluster, shards: int) -> str:
    """Start a Redis Cluster of ``shards`` primaries with one replica each, note its
    primaries and replicas in ``cluster``; return REDIS_CLUSTER_NODES."""
    servers = RedisClusterServers(
        processes.directory / "redis-cluster",
        primaries=shards,
        replicas=1,
        # Nothing fails over in a lab run: a longer timeout than the tests' keeps a
        # busy machine from failing over a primary that is merely slow.
        node_timeout_ms=15000,
        keep_files=True,
    )
    processes.stop_at_exit(servers.stop)
    try:
        servers.start()
    except RuntimeError as exc:  # redis-server or redis-cli failed; LabError is one
        raise LabError(f"the Redis Cluster did not start: {exc}") from None
    primaries = servers.primaries()
    cluster.shards = {f"127.0.0.1:{node.port}": node.url for node in primaries}
    cluster.shard_replica_urls = [
        node.url for node in servers.running() if node not in primaries
    ]
    return servers.location


def sessionstats_run(*, processes: Processes, cluster: Cluster) -> dict[str, str]:
    """Run ``manage.py sessionstats`` with the first node's environment; return what
    it printed as {"live sessions": "16", "bytes per session": "297", ...}."""
    command = [sys.executable, "manage.py", "sessionstats"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        command,
        cwd=BASE_DIR,
        env=cluster.node_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    (processes.directory / "sessionstats.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise LabError(
            f"sessionstats failed: {(result.stderr or result.stdout)[-300:]}"
        )
    figures = {}
    for line in result.stdout.splitlines():
        name, colon, value = line.partition(": ")
        if colon and name != "note":
            figures[name] = value.strip()
    return figures


def gunicorn_command(*, port: int, workers: int = 1) -> list[str]:
    # One sync worker per node by default: a node is one process, like the simplest
    # deployment, so per-process ("local") sessions are per node.
    return [
        sys.executable, "-m", "gunicorn", "authsite.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "60", "--graceful-timeout", "2", "--no-control-socket",
    ]  # fmt: skip


def _exited_or_listening(*, process: subprocess.Popen[bytes], port: int) -> bool:
    return process.poll() is not None or port_open("127.0.0.1", port)


def node_strategy_check(*, port: int, name: str, strategy: str) -> None:
    """Raise LabError unless the node answers GET / and reports ``strategy``."""
    client = Client(port)
    try:
        response = client.request("GET", "/")
    finally:
        client.close()
    reported = response.headers.get("X-Session-Strategy")
    if response.status >= 500 or reported is None:
        raise LabError(f"{name} answered {response.status} to GET /")
    if reported != strategy:
        # Figures taken on the wrong strategy would be silently wrong: stop here.
        raise LabError(
            f"{name} was started with AUTHSITE_SESSION_STRATEGY={strategy} "
            f"but runs {reported!r}"
        )


def _node_failed(processes: Processes, *, name: str) -> LabError:
    tail = processes.log_tail(name=name)
    # The first line is what a table of runs shows: give it the site's own message.
    return LabError(f"{name} exited at start-up ({_log_reason(tail)})\n{tail}")


def _log_reason(tail: str) -> str:
    """The last line of a start-up log that is not gunicorn's own (``[date] ...``)."""
    for line in reversed(tail.splitlines()):
        if line.strip() and not line.startswith("["):
            return line.strip()
    return "see its log"
