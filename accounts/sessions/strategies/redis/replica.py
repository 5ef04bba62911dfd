"""The django-redis client of ``redis-replicated``: a read goes to a replica only when
the replica can answer it as the primary would.

A replica answers with what it has. While it starts or resyncs its link to the primary
is not up and it holds nothing or an old copy; while it lags it lacks the latest
writes; while it is down it does not answer. Read from it then, a signup's save reads
back its own write as missing (a 500), a sign-in gets no answer (a 503) and a signed-in
user can look signed out, although the primary that has everything is up. So a read
goes to a replica only when

- its link is up (ROLE says ``connected``, INFO's ``master_link_status:up``) and it has
  what the primary had at the previous check, i.e. it lags by less than one check
  interval. Each process checks at most once per AUTHSITE_REDIS_REPLICA_CHECK_MS, so
  almost every read costs nothing extra;
- it has this process's own last write of that key: a write that not every listed
  replica acknowledged (its ``WAIT`` came back short) is remembered with the primary's
  replication offset, and the key is read from the primary until the replica has passed
  that offset.

A replica that then fails to answer is left alone until the next check, and one that
lacks a key (a session written on another app server an instant ago) is not believed:
in both cases the primary answers. A degraded replica costs speed, never an error.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("authsite.sessions")

# Keys this process wrote that a replica may lack. Past this many (a replica away for
# long under many writes), they fold into one offset every key waits for.
PENDING_LIMIT = 10_000
_MISSING = object()
# How often a process asks its replicas whether they are linked and caught up.
CHECK_MS = 1000


@dataclass(frozen=True)
class ReplicaState:
    checked: float  # time.monotonic() of the check
    fit: bool  # linked and less than a check interval behind
    offset: int  # the primary's replication stream the replica has processed
    primary_offset: int  # the primary's replication offset at the check


class Replication:
    """What one process knows of a primary's replicas: their state and its own writes.

    Shared by the threads of a process (django-redis clients are per thread), so a write
    made by one thread steers the reads of every other.
    """

    def __init__(self) -> None:
        self.states: dict[int, ReplicaState] = {}
        self.pending: dict[str, int] = {}
        self.floor = 0
        self.primary_offset = 0
        self.checking = threading.Lock()
        self.lock = threading.Lock()

    def write_unreplicated(self, key: str, offset: int) -> None:
        with self.lock:
            self.pending[key] = offset
            if len(self.pending) > PENDING_LIMIT:
                self.floor = max(self.floor, *self.pending.values())
                self.pending.clear()

    def needs(self, keys: list[str]) -> int:
        """The primary offset a replica must have passed to answer for ``keys``."""
        with self.lock:
            return max([self.floor, *(self.pending.get(key, 0) for key in keys)])

    def states_set(self, states: dict[int, ReplicaState], primary_offset: int) -> None:
        with self.lock:
            if 0 <= primary_offset < self.primary_offset:
                # A primary restarted without its data: a new replication stream, whose
                # offsets say nothing of the old one.
                self.pending.clear()
                self.floor = 0
            if primary_offset >= 0:
                self.primary_offset = primary_offset
            self.states = states
            passed = min((s.offset for s in states.values()), default=-1)
            self.pending = {k: o for k, o in self.pending.items() if o > passed}

    def replica_failed(self, index: int, now: float) -> bool:
        """Count replica ``index`` unfit until the next check; False if it was already."""
        with self.lock:
            state = self.states.get(index)
            if state is None or not state.fit:
                return False
            failed = ReplicaState(now, False, -1, state.primary_offset)
            self.states = {**self.states, index: failed}
            return True


_replications: dict[tuple[str, ...], Replication] = {}
_replications_lock = threading.Lock()


def replication_of(servers: tuple[str, ...]) -> Replication:
    with _replications_lock:
        return _replications.setdefault(servers, Replication())


class ReplicaReadClient(DefaultClient):
    """DefaultClient whose reads go to a fit replica (see the module) or the primary."""

    def __init__(self, server: Any, params: dict[str, Any], backend: Any) -> None:
        super().__init__(server, params, backend)
        self.replication = replication_of(tuple(self._server))

    @property
    def replica_count(self) -> int:
        return len(self._server) - 1

    def _check_interval(self) -> float:
        return float(self._options.get("REPLICA_CHECK_MS", CHECK_MS)) / 1000

    def _check(self, now: float) -> None:
        """Ask the primary and each replica for its ROLE; keep what they say."""
        interval = self._check_interval()
        old = self.replication.states
        try:
            primary_offset = int(self.get_client(write=True).execute_command("ROLE")[1])
        except RedisError:
            # No replica then: the primary answers the reads, or a 503 if it is down.
            primary_offset = -1
        states: dict[int, ReplicaState] = {}
        for index in range(1, len(self._server)):
            linked, offset = False, -1
            if primary_offset >= 0:
                linked, offset = self._replica_role(index)
            before = old.get(index)
            # Less than an interval behind: it has what the primary had at the last
            # check. Without a recent check, it must have what the primary has now.
            recent = before is not None and now - before.checked <= 2 * interval
            reference = before.primary_offset if before and recent else primary_offset
            fit = linked and reference >= 0 and offset >= reference
            states[index] = ReplicaState(now, fit, offset, primary_offset)
            if (before.fit if before else True) != fit:
                self._log_change(index, fit=fit, linked=linked)
        self.replication.states_set(states, primary_offset)

    def _replica_role(self, index: int) -> tuple[bool, int]:
        """(linked, processed offset) of replica ``index``; (False, -1) if it cannot say."""
        try:
            role = self._replica_client(index).execute_command("ROLE")
        except RedisError:
            return False, -1
        if role[0] != b"slave" or role[3] != b"connected":
            return False, -1
        return True, int(role[4])

    def _replica_client(self, index: int) -> Any:
        if self._clients[index] is None:
            self._clients[index] = self.connect(index)
        return self._clients[index]

    def _log_change(self, index: int, *, fit: bool, linked: bool) -> None:
        if fit:
            logger.info("reading sessions from Redis replica %d again", index)
        else:
            logger.warning(
                "reading sessions from the Redis primary: replica %d is %s",
                index,
                "behind" if linked else "not linked to the primary or unreachable",
            )

    def _states(self) -> dict[int, ReplicaState]:
        now = time.monotonic()
        states = self.replication.states
        interval = self._check_interval()
        due = not states or any(now - s.checked >= interval for s in states.values())
        # One thread checks; the others go on with what is known meanwhile.
        if due and self.replication.checking.acquire(blocking=False):
            try:
                self._check(now)
            finally:
                self.replication.checking.release()
        return self.replication.states

    def replica_index(self, keys: list[str] | None = None) -> int | None:
        """A replica fit to answer for ``keys`` (made keys), or None: ask the primary."""
        if not self.replica_count:
            return None
        needs = self.replication.needs(keys or [])
        fit = [
            index
            for index, state in self._states().items()
            if state.fit and state.offset >= needs
        ]
        # Spreads reads over the replicas; nothing secret is chosen.
        return random.choice(fit) if fit else None  # noqa: S311

    def replica_failed(self, index: int) -> None:
        """Ask the primary until the next check: replica ``index`` did not answer."""
        if self.replication.replica_failed(index, time.monotonic()):
            self._log_change(index, fit=False, linked=False)

    def write_unreplicated(self, key: str, primary_offset: int) -> None:
        """Read ``key`` (a made key) from the primary until the replicas pass the offset."""
        self.replication.write_unreplicated(key, primary_offset)

    def _from_replica(self, keys: list[str], read: Callable[[Any], Any]) -> Any:
        """``read(client)`` on a replica fit for ``keys``; _MISSING if none or it failed."""
        index = self.replica_index(keys)
        if index is None:
            return _MISSING
        try:
            return read(self._replica_client(index))
        except ConnectionInterrupted:
            self.replica_failed(index)
            return _MISSING

    # --- django-redis's client API: the reads the sessions make -------------------

    def get_next_client_index(
        self, write: bool = True, tried: list[int] | None = None
    ) -> int:
        if write or tried:
            return int(super().get_next_client_index(write=write, tried=tried))
        return self.replica_index() or 0

    def get(
        self,
        key: str,
        default: Any = None,
        version: int | None = None,
        client: Any = None,
    ) -> Any:
        if client is None:
            value = self._from_replica(
                [str(self.make_key(key, version=version))],
                lambda replica: DefaultClient.get(
                    self, key, _MISSING, version, replica
                ),
            )
            if value is not _MISSING:
                return value
            client = self.get_client(write=True)
        return DefaultClient.get(self, key, default, version, client)

    def has_key(self, key: str, version: int | None = None, client: Any = None) -> bool:
        # A replica's "no" may be a key written an instant ago: the primary confirms it.
        if client is None:
            found = self._from_replica(
                [str(self.make_key(key, version=version))],
                lambda replica: DefaultClient.has_key(self, key, version, replica),
            )
            if found is True:
                return True
            client = self.get_client(write=True)
        return bool(DefaultClient.has_key(self, key, version, client))

    def get_many(
        self, keys: Any, version: int | None = None, client: Any = None
    ) -> dict[str, Any]:
        if client is not None:
            return dict(DefaultClient.get_many(self, keys, version, client))
        keys = list(keys)
        found = self._from_replica(
            [str(self.make_key(k, version=version)) for k in keys],
            lambda replica: DefaultClient.get_many(self, keys, version, replica),
        )
        found = {} if found is _MISSING else dict(found)
        missing = [k for k in keys if k not in found]
        if missing:
            primary = self.get_client(write=True)
            found.update(DefaultClient.get_many(self, missing, version, primary))
        return found
