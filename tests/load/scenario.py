"""What a simulated user does, and what the run records about it.

Each user signs up, then until the run ends picks an action (weighted) after a short
think time. To add one, write an ``async def`` taking the user and add it to
``ACTIONS``; record every request through ``user.request``.
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
    live_refresh: dict[str, str] = field(default_factory=dict)  # username -> token
    used_refresh: list[str] = field(default_factory=list)  # rotated away
    api_refused: list[str] = field(default_factory=list)  # a live token refused


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
        # Each user's own address, as the trusted proxy reports it: throttles and
        # lockout count per address, as they would for real clients.
        self.address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        self.api_tokens: dict[str, str] | None = None

    async def request(
        self,
        kind: str,
        method: str,
        path: str,
        data: dict | None = None,
        *,
        json: dict | None = None,
        bearer: str | None = None,
    ) -> httpx.Response | None:
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Origin": self.origin,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, path, data=data, json=json, headers=headers
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


async def api_calls(user: SimulatedUser) -> None:
    """A token pair (once), /api/me/ read and changed, then a refresh (rotation).

    Every answer to a live token must be a success: anything else is a failure of
    the run. The refresh token held at the end and the ones rotated away are checked
    afterwards (accepted and refused).
    """
    if user.api_tokens is None:
        response = await user.request(
            "api token",
            "POST",
            "/api/auth/token/",
            json={"username": user.username, "password": PASSWORD},
        )
        if not _api_ok(user, response, "api token"):
            return
        user.api_tokens = response.json()
        user.record.live_refresh[user.username] = user.api_tokens["refresh"]
    access = user.api_tokens["access"]
    me = await user.request("api me", "GET", "/api/me/", bearer=access)
    _api_ok(user, me, "api me GET")
    patched = await user.request(
        "api me",
        "PATCH",
        "/api/me/",
        json={"first_name": random.choice(["Ada", "Grace", "Linus"])},
        bearer=access,
    )
    _api_ok(user, patched, "api me PATCH")
    old_refresh = user.api_tokens["refresh"]
    response = await user.request(
        "api refresh", "POST", "/api/auth/token/refresh/", json={"refresh": old_refresh}
    )
    if _api_ok(user, response, "api refresh"):
        user.api_tokens = response.json()
        user.record.used_refresh.append(old_refresh)
        user.record.live_refresh[user.username] = user.api_tokens["refresh"]


def _api_ok(user: SimulatedUser, response: httpx.Response | None, what: str) -> bool:
    if response is None:
        return False
    if response.status_code != 200:
        if response.status_code < 500:  # a 5xx is already a failure
            user.record.api_refused.append(f"{what}: {response.status_code}")
        return False
    return True


# action, weight
ACTIONS: list[tuple[Callable[[SimulatedUser], Awaitable[None]], int]] = [
    (page_views, 60),
    (profile_edit, 10),
    (sign_out_and_in, 15),
    (api_calls, 15),
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
