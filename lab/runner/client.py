"""A small HTTP client that behaves like a browser where it matters to sessions.

It keeps one keep-alive connection, stores cookies by name and forgets one when the
server expires it, and records for every request the status, the node that served it
(``X-Served-By``) and the time it took. Cookie attributes (Secure, Path) are ignored:
the lab speaks plain HTTP to 127.0.0.1 to a site configured for production.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGIN_PATH = "/accounts/login/"
PAGE_PATH = "/accounts/profile/"
API_TOKEN_PATH = "/api/auth/token/"  # noqa: S105 - a URL, not a secret
API_ME_PATH = "/api/me/"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    node: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Client:
    """One simulated user agent talking to 127.0.0.1:``port``."""

    def __init__(self, port: int, *, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None
        # Responses since the caller last cleared it (the load clears it per page).
        self.log: list[Response] = []

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        json_body: object = None,
    ) -> Response:
        headers = {"Host": "127.0.0.1", **self.headers}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self._connection.request(method, path, body=body, headers=headers)
                raw = self._connection.getresponse()
                payload = raw.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionError):
                # A keep-alive connection the balancer closed: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        response = Response(
            status=raw.status,
            headers=raw.headers,
            body=payload,
            node=raw.headers.get("X-Served-By", "?"),
            seconds=time.perf_counter() - started,
        )
        if raw.will_close:
            self.close()
        self._cookies_update(raw.headers.get_all("Set-Cookie") or [])
        self.log.append(response)
        return response

    def _cookies_update(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


# --- What a user does ----------------------------------------------------------------


class SignInFailed(RuntimeError):
    pass


def browser_sign_in(client: Client, *, username: str, password: str) -> None:
    """GET the login form (CSRF cookie and token), POST it; expect the redirect."""
    form = client.request("GET", LOGIN_PATH)
    match = CSRF_INPUT.search(form.body.decode(errors="replace"))
    if form.status != 200 or match is None:
        raise SignInFailed(f"login form answered {form.status}")
    answer = client.request(
        "POST",
        LOGIN_PATH,
        form={
            "csrfmiddlewaretoken": match.group(1),
            "username": username,
            "password": password,
            "remember_me": "on",
        },
    )
    if answer.status != 302:
        raise SignInFailed(f"login POST answered {answer.status}")


def browser_page_signed_in(client: Client) -> tuple[Response, bool | None]:
    """GET a sign-in-only page: (response, True signed in / False signed out / None error)."""
    response = client.request("GET", PAGE_PATH)
    if response.status == 200:
        return response, True
    if response.status == 302 and response.location.startswith(LOGIN_PATH):
        return response, False
    return response, None


def api_sign_in(client: Client, *, username: str, password: str) -> None:
    """POST for a token pair and send the access token from then on."""
    answer = client.request(
        "POST", API_TOKEN_PATH, json_body={"username": username, "password": password}
    )
    if answer.status != 200:
        raise SignInFailed(f"POST {API_TOKEN_PATH} answered {answer.status}")
    access = json.loads(answer.body)["access"]
    client.headers["Authorization"] = f"Bearer {access}"


def api_call_signed_in(client: Client) -> tuple[Response, bool | None]:
    response = client.request("GET", API_ME_PATH)
    if response.status == 200:
        return response, True
    if response.status == 401:
        return response, False
    return response, None
