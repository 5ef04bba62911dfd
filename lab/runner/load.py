"""Drive simulated users concurrently through the balancer, in two phases.

Phase one signs every user in; phase two makes the page (or API) requests. The store
counters are read between the phases, so the figures per request are those of
signed-in traffic, with any sign-in a lost session forces counted where it happens.
A user whose session is lost signs in again, as a person would.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TextIO

from lab.runner import client as http
from lab.runner.database import LAB_PASSWORD, USERNAME_FORMAT
from lab.runner.processes import LabError

BROWSER = "browser"
API = "api"


@dataclass
class LoadTally:
    """What the users saw, gathered across threads."""

    requests: int = 0
    signed_in: int = 0
    signed_out: int = 0
    errors: int = 0
    logins: int = 0
    latencies: list[float] = field(default_factory=list)
    nodes: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(
        self, responses: list[http.Response], *, outcome: bool | None, seconds: float
    ) -> None:
        """Count one page request (``seconds`` long) and any sign-in that followed it."""
        with self.lock:
            for response in responses:
                self.requests += 1
                self.nodes[response.node] = self.nodes.get(response.node, 0) + 1
            if outcome is True:
                self.signed_in += 1
            elif outcome is False:
                self.signed_out += 1
            else:
                self.errors += 1
            self.latencies.append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(message)

    @property
    def page_requests(self) -> int:
        return self.signed_in + self.signed_out


class Progress:
    """A one-line progress bar on a terminal stream, redrawn a few times a second."""

    def __init__(self, *, total: int, label: str, stream: TextIO | None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream
        self.done = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()

    def __enter__(self) -> Progress:
        # Redrawn only on a terminal; a log gets the final line alone.
        if self.stream is not None and self.stream.isatty():
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self.stream is not None:
            if self._thread.is_alive():
                self._thread.join()
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._draw()

    def _draw(self) -> None:
        if self.stream is None:
            return
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        seconds = time.monotonic() - self._started
        self.stream.write(
            f"\r{self.label} [{bar:<30}] {self.done}/{self.total} {seconds:5.1f} s"
        )
        self.stream.flush()


EQUAL = "equal"
SKEWED = "skewed"
ACTIVITIES = (SKEWED, EQUAL)


@dataclass
class LoadPlan:
    port: int
    users: int
    requests: int
    seconds: float
    kind: str = BROWSER
    activity: str = EQUAL

    def requests_per_user(self) -> list[int]:
        """``equal``: every user makes ``requests``. ``skewed``: the same total, user i
        making a share proportional to 1/sqrt(i), so a few users are much busier than
        the rest, as on real sites; that is what makes sticky sessions uneven."""
        if self.activity == EQUAL:
            return [self.requests] * self.users
        weights = [1 / (i**0.5) for i in range(1, self.users + 1)]
        total = self.requests * self.users
        return [max(1, round(total * w / sum(weights))) for w in weights]


def _user_flows(
    kind: str,
) -> tuple[
    Callable[..., None], Callable[[http.Client], tuple[http.Response, bool | None]]
]:
    if kind == API:
        return http.api_sign_in, http.api_call_signed_in
    return http.browser_sign_in, http.browser_page_signed_in


def load_run(
    *,
    plan: LoadPlan,
    between_phases: Callable[[], None],
    progress: TextIO | None = sys.stderr,
    label: str = "",
) -> tuple[LoadTally, float]:
    """Run both phases; return the page-phase tally and its wall-clock seconds."""
    sign_in, page = _user_flows(plan.kind)
    clients = [http.Client(plan.port) for _ in range(plan.users)]
    usernames = [USERNAME_FORMAT.format(n) for n in range(1, plan.users + 1)]
    tally = LoadTally()
    counts = plan.requests_per_user()
    stop = threading.Event()

    def first_sign_in(index: int) -> None:
        try:
            sign_in(clients[index], username=usernames[index], password=LAB_PASSWORD)
        except Exception as exc:
            tally.error(f"sign-in: {exc}")

    def pages(index: int, bar: Progress) -> None:
        user = clients[index]
        for _ in range(counts[index]):
            if time.monotonic() > deadline or stop.is_set():
                return
            user.log.clear()
            try:
                response, outcome = page(user)
                if outcome is False:
                    # Signed out by a lost session: sign in again, as a person would.
                    sign_in(user, username=usernames[index], password=LAB_PASSWORD)
                    with tally.lock:
                        tally.logins += 1
                tally.record(user.log, outcome=outcome, seconds=response.seconds)
            except Exception as exc:
                tally.error(f"page: {exc}")
            bar.done += 1  # unlocked: a progress bar may be one step behind

    pool = ThreadPoolExecutor(max_workers=plan.users)
    try:
        list(pool.map(first_sign_in, range(plan.users)))
        if tally.errors == plan.users:
            raise LabError(f"no user could sign in: {tally.error_samples[0]}")
        between_phases()
        # The time limit is the page phase's: between_phases may wait for counters.
        deadline = time.monotonic() + plan.seconds
        started = time.perf_counter()
        with Progress(total=sum(counts), label=label, stream=progress) as bar:
            list(pool.map(lambda i: pages(i, bar), range(plan.users)))
        elapsed = time.perf_counter() - started
    except BaseException:
        # Ctrl-C or an error: let the users stop at their next request.
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for user in clients:
            user.close()
    return tally, elapsed
