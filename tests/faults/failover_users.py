"""Simulated users for the failover test, and the failure window read from what they saw.

Each user is a thread with its own httpx client (its own cookies): it signs in through
the HTML form, then asks for the home page again and again, noting for every request
when it was sent, when the answer came and what the user was shown.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass

import httpx

from tests.helpers.live_site import form_token

SIGNED_IN = "signed in"
UNAVAILABLE = "503"
SIGNED_OUT = "signed out"
ERROR = "error"

SESSION_COOKIE = "sessionid"  # the site's name for it with DEBUG on (no __Host-)


@dataclass(frozen=True)
class Sample:
    sent: float  # time.monotonic()
    answered: float
    outcome: str
    detail: str = ""


class SimulatedUser(threading.Thread):
    """Signs in (``sign_in()``, or first thing in ``run()``), then reads ``/`` until
    ``stop`` is set, pausing ``pause`` seconds between requests."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str,
        password: str,
        stop: threading.Event,
        pause: float,
    ) -> None:
        super().__init__(name=f"user-{username}", daemon=True)
        self.client = httpx.Client(base_url=base_url, timeout=10)
        self.username = username
        self.password = password
        self.stop = stop
        self.pause = pause
        self.samples: list[Sample] = []
        self.session_key: str | None = None
        self.failure: str | None = None

    def sign_in(self) -> None:
        token = form_token(self.client.get("/accounts/login/").text)
        response = self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": self.username,
                "password": self.password,
            },
        )
        if response.status_code != 302:
            raise AssertionError(
                f"{self.username} could not sign in: {response.status_code}"
            )
        self.session_key = self.client.cookies[SESSION_COOKIE]

    def page(self) -> Sample:
        sent = time.monotonic()
        try:
            response = self.client.get("/")
        except httpx.HTTPError as exc:
            return Sample(sent, time.monotonic(), ERROR, repr(exc))
        answered = time.monotonic()
        if response.status_code == 503:
            if "Sign-in is temporarily unavailable" not in response.text:
                return Sample(sent, answered, ERROR, "503 without the 503 page")
            return Sample(sent, answered, UNAVAILABLE)
        if (
            response.status_code == 200
            and f"Signed in as {self.username}" in response.text
        ):
            return Sample(sent, answered, SIGNED_IN)
        if response.status_code in {200, 302}:
            return Sample(sent, answered, SIGNED_OUT, str(response.status_code))
        return Sample(sent, answered, ERROR, f"status {response.status_code}")

    def run(self) -> None:
        try:
            if self.session_key is None:
                self.sign_in()
            while not self.stop.is_set():
                self.samples.append(self.page())
                self.stop.wait(self.pause)
        except Exception as exc:
            self.failure = repr(exc)
        finally:
            self.client.close()

    def signed_in_pages(self) -> int:
        return sum(1 for sample in self.samples if sample.outcome == SIGNED_IN)


@dataclass
class UserWindow:
    """What one user saw from the primary's failure on (times in seconds from it)."""

    username: str
    failed_requests: int = 0
    first_failure: float | None = None  # when the first failed request was sent
    recovered: float | None = None  # when the first signed-in page after it came
    signed_in_since: float | None = None  # answered time of the last failure, or 0

    @property
    def seconds(self) -> float | None:
        if self.first_failure is None or self.recovered is None:
            return None
        return self.recovered - self.first_failure


def user_window(user: SimulatedUser, *, since: float) -> UserWindow:
    window = UserWindow(user.username)
    last_failure = None
    for sample in list(user.samples):
        if sample.answered < since:
            continue
        if sample.outcome != SIGNED_IN:
            window.failed_requests += 1
            last_failure = sample.answered - since
            if window.first_failure is None:
                window.first_failure = sample.sent - since
        elif window.first_failure is not None and window.recovered is None:
            window.recovered = sample.answered - since
    window.signed_in_since = last_failure if last_failure is not None else 0.0
    return window


def settled(user: SimulatedUser, *, since: float, seconds: float) -> bool:
    """Whether the user has been shown only signed-in pages for ``seconds`` now."""
    window = user_window(user, since=since)
    samples = user.samples
    return (
        bool(samples)
        and samples[-1].outcome == SIGNED_IN
        and samples[-1].answered - since - (window.signed_in_since or 0.0) >= seconds
    )


@dataclass
class FailoverReport:
    how: str
    users: list[UserWindow]
    requests: int
    sentinel_switched: float | None
    machine: str

    def text(self) -> str:
        windows = [w.seconds for w in self.users if w.seconds is not None]
        failed = sum(w.failed_requests for w in self.users)
        firsts = [w.first_failure for w in self.users if w.first_failure is not None]
        recoveries = [w.recovered for w in self.users if w.recovered is not None]
        switched = (
            f"{self.sentinel_switched:.2f} s"
            if self.sentinel_switched is not None
            else "never"
        )
        lines = [
            f"redis-sentinel failover, primary stopped with {self.how}; "
            f"{len(self.users)} users; {self.machine}",
            f"  Sentinel named the new primary {switched} after the stop",
            f"  failed requests: {failed} of {self.requests} after the stop",
        ]
        if firsts and recoveries:
            lines.append(
                f"  overall window: first failed request sent at {min(firsts):+.2f} s "
                f"from the stop, last user's first signed-in page again at "
                f"{max(recoveries):+.2f} s: {max(recoveries) - min(firsts):.2f} s"
            )
        if windows:
            lines.append(
                f"  per user: min {min(windows):.2f} s, median "
                f"{statistics.median(windows):.2f} s, max {max(windows):.2f} s"
            )
        lines += [
            f"    {w.username}: {w.failed_requests} failed, "
            + (f"{w.seconds:.2f} s" if w.seconds is not None else "no failure")
            for w in self.users
        ]
        return "\n".join(lines)
