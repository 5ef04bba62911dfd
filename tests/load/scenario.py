"""What a simulated user does, and what the run records about it.

Each user signs up, then until the run ends picks an action (weighted) after a short
think time. To add one (API calls, after issue 4), write an ``async def`` taking the
user and add it to ``ACTIONS``; record every request through ``user.request``.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import httpx

PASSWORD = "load-Test-passphrase-42"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float


@dataclass
class Record:
    """Everything the run saw, for the figures and the checks afterwards."""

    samples: list[Sample] = field(default_factory=list)
    signed_up: list[str] = field(default_factory=list)
    live_sessions: dict[str, str] = field(default_factory=dict)  # username -> key
    ended_sessions: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class SimulatedUser:
    """One browser: its own cookies, talking to the site as if behind the TLS proxy."""

    def __init__(
        self, client: httpx.AsyncClient, record: Record, *, number: int, run_id: str
    ) -> None:
        self.client = client
        self.record = record
        self.username = f"load{run_id}u{number}"
        self.cookies: dict[str, str] = {}
        self.origin = str(client.base_url).replace("http://", "https://", 1)

    async def request(
        self, kind: str, method: str, path: str, data: dict | None = None
    ) -> httpx.Response | None:
        headers = {"X-Forwarded-Proto": "https", "Origin": self.origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, path, data=data, headers=headers
            )
        except httpx.HTTPError as exc:
            self.record.samples.append(Sample(kind, 0, time.perf_counter() - started))
            self.record.failures.append(f"{kind} {path}: {exc!r}")
            return None
        self.record.samples.append(
            Sample(kind, response.status_code, time.perf_counter() - started)
        )
        if response.status_code >= 500:
            self.record.failures.append(f"{kind} {path}: {response.status_code}")
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    async def post_form(self, kind: str, path: str, data: dict, *, form_path=None):
        page = await self.request(f"{kind} form", "GET", form_path or path)
        match = _TOKEN.search(page.text) if page is not None else None
        if match is None:
            return None
        return await self.request(
            kind, "POST", path, {"csrfmiddlewaretoken": match[1], **data}
        )

    def session_key(self) -> str | None:
        return self.cookies.get("__Host-sessionid") or self.cookies.get("sessionid")

    def note_session_started(self) -> None:
        key = self.session_key()
        if key:
            self.record.live_sessions[self.username] = key

    def note_session_ended(self) -> None:
        key = self.record.live_sessions.pop(self.username, None)
        if key:
            self.record.ended_sessions.append(key)


async def signup(user: SimulatedUser) -> bool:
    response = await user.post_form(
        "signup",
        "/accounts/signup/",
        {
            "username": user.username,
            "email": f"{user.username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    if response is not None and response.status_code == 302:
        user.record.signed_up.append(user.username)
        user.note_session_started()
        return True
    return False


async def page_views(user: SimulatedUser) -> None:
    for path in ("/", "/accounts/profile/", "/accounts/password/change/"):
        await user.request("page", "GET", path)


async def profile_edit(user: SimulatedUser) -> None:
    await user.post_form(
        "profile",
        "/accounts/profile/",
        {
            "first_name": random.choice(["Ada", "Grace", "Linus"]),
            "last_name": "Load",
            "email": f"{user.username}@example.com",
        },
    )


async def sign_out_and_in(user: SimulatedUser) -> None:
    response = await user.post_form("logout", "/accounts/logout/", {}, form_path="/")
    if response is not None and response.status_code == 302:
        user.note_session_ended()
    response = await user.post_form(
        "login", "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )
    if response is not None and response.status_code == 302:
        user.note_session_started()


# action, weight
ACTIONS: list[tuple[Callable[[SimulatedUser], Awaitable[None]], int]] = [
    (page_views, 70),
    (profile_edit, 10),
    (sign_out_and_in, 20),
]


async def user_run(user: SimulatedUser, *, deadline: float, think: float) -> None:
    """Sign up, then act until ``deadline`` (loop time), pausing ``think`` on average."""
    await asyncio.sleep(random.uniform(0, think))
    if not await signup(user):
        return
    actions, weights = zip(*ACTIONS, strict=True)
    loop = asyncio.get_running_loop()
    while loop.time() < deadline:
        await asyncio.sleep(random.uniform(0, 2 * think))
        if loop.time() >= deadline:
            break
        action = random.choices(actions, weights)[0]
        await action(user)
