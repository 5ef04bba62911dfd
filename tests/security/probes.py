"""What the security tests do to the site and read back from it."""

import re
import statistics
import time

from django.conf import settings
from django.core import mail

from accounts.sessions import timeouts
from tests.helpers.live_site import form_token

NEW_PASSWORD = "a-Brand-new-passphrase-7"


def session_key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in_as(client) -> str | None:
    match = re.search(r"Signed in as (\S+)</h1>", client.get("/").text)
    return match[1] if match else None


def shift_session_clock(client, *, started_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[timeouts.STARTED_KEY] = now - started_ago
    session[timeouts.SEEN_KEY] = now - seen_ago
    session.save()


def reset_password_by_email(client, email: str, password: str) -> None:
    client.post("/accounts/password/reset/", {"email": email})
    link = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[-1].body)[1]
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": password, "new_password2": password})


def signup_with_password(client, username: str, password: str):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": password,
            "password2": password,
        },
    )


def timed_form_post(client, path: str, data: dict):
    """A POST whose CSRF token is fetched first, outside the timed part."""

    def send():
        token = form_token(client.get(path).text)
        started = time.perf_counter()
        response = client.request(
            "POST", path, data={"csrfmiddlewaretoken": token, **data}
        )
        send.last = response
        return time.perf_counter() - started

    return send


def medians_of(send_a, send_b, *, rounds: int = 31) -> tuple[float, float]:
    """Median seconds of two timed senders, run in alternating order so that drift in
    machine load falls on both alike; one discarded warm-up round first."""
    send_a(), send_b()
    times_a, times_b = [], []
    for round_number in range(rounds):
        pairs = [(send_a, times_a), (send_b, times_b)]
        for send, times in pairs if round_number % 2 == 0 else reversed(pairs):
            times.append(send())
    return statistics.median(times_a), statistics.median(times_b)


def login_page_error(html: str) -> str:
    return re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', html, re.S)[1]


def cookies_of_a_visit(client, username: str) -> list[str]:
    """Every Set-Cookie header of: sign up, read a flash message, sign out."""
    client.signup(username)
    client.get("/")
    client.post_form("/accounts/logout/", {}, form_path="/")
    return client.set_cookies


def csp_directives(https_client, path: str) -> dict[str, str]:
    header = https_client.get(path).headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives
