"""Simulated users browsing the site in process while the cluster changes under them.

Each user is a thread with its own Django test client (its own cookie), signed in
before the threads start; it asks for ``/`` until told to stop and notes what it saw.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD

SIGNED_IN = "signed in"
UNAVAILABLE = "503"
SIGNED_OUT = "signed out"
ERROR = "error"


@dataclass(frozen=True)
class Sample:
    sent: float
    answered: float
    outcome: str
    detail: str = ""


class BrowsingUser(threading.Thread):
    def __init__(self, username: str, *, stop: threading.Event, pause: float) -> None:
        super().__init__(name=f"browse-{username}", daemon=True)
        self.username = username
        self.client = Client()
        self.stop = stop
        self.pause = pause
        self.samples: list[Sample] = []
        self.session_key: str | None = None

    def sign_in(self) -> None:
        response = self.client.post(
            "/accounts/login/", {"username": self.username, "password": PASSWORD}
        )
        assert response.status_code == 302, f"{self.username} could not sign in"
        self.session_key = self.cookie()

    def cookie(self) -> str | None:
        morsel = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        return morsel.value if morsel is not None else None

    def page(self) -> Sample:
        sent = time.monotonic()
        try:
            response = self.client.get("/")
        except Exception as exc:  # any exception is what this test looks for
            return Sample(sent, time.monotonic(), ERROR, repr(exc))
        answered = time.monotonic()
        text = response.content.decode()
        if response.status_code == 503:
            if "Sign-in is temporarily unavailable" not in text:
                return Sample(sent, answered, ERROR, "503 without the 503 page")
            return Sample(sent, answered, UNAVAILABLE)
        if response.status_code == 200 and f"Signed in as {self.username}" in text:
            return Sample(sent, answered, SIGNED_IN)
        if response.status_code in {200, 302}:
            return Sample(sent, answered, SIGNED_OUT, str(response.status_code))
        return Sample(sent, answered, ERROR, f"status {response.status_code}")

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(self.page())
            self.stop.wait(self.pause)

    def outcomes(self, *, since: float = 0.0) -> set[str]:
        return {s.outcome for s in self.samples if s.answered >= since}


def unavailable_seconds(user: BrowsingUser, *, since: float) -> float:
    """From the first 503 after ``since`` to the first signed-in page after the last."""
    samples = [s for s in user.samples if s.answered >= since]
    failed = [i for i, s in enumerate(samples) if s.outcome == UNAVAILABLE]
    if not failed:
        return 0.0
    after = [s for s in samples[failed[-1] + 1 :] if s.outcome == SIGNED_IN]
    end = after[0].answered if after else samples[-1].answered
    return end - samples[failed[0]].sent


def browse_stop(users: list[BrowsingUser], stop: threading.Event) -> None:
    stop.set()
    for user in users:
        user.join(timeout=30)


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
