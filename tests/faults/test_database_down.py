"""The database unreachable or failing, seen through a real gunicorn.

The server runs with DEBUG on, so anything that escaped the 503 handling would show
Django's technical page with its traceback.
"""

import sqlite3
import tempfile
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from authsite.embedded_redis import free_port
from tests.factories import PASSWORD
from tests.helpers.live_site import Gunicorn, form_token, manage, site_env


def site_for(database_url: str, workdir: Path) -> tuple[Gunicorn, dict[str, str]]:
    env = site_env(
        database_url=database_url,
        redis_url=settings.REDIS_URL,
        key_prefix=settings.REDIS_KEY_PREFIX,
        var_dir=workdir,
        # Signup signs in at once, as these tests expect (verification has its own).
        AUTHSITE_EMAIL_VERIFICATION="none",
    )
    return Gunicorn(env, log_path=workdir / "gunicorn.log"), env


def post_form(client: httpx.Client, path: str, data: dict) -> httpx.Response:
    token = form_token(client.get(path).text)
    return client.post(path, data={"csrfmiddlewaretoken": token, **data})


def signup_data(username: str) -> dict:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def assert_clean_503(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert "The site is temporarily unavailable" in response.text
    assert "Traceback" not in response.text
    assert response.headers["Retry-After"] == "30"


def test_unreachable_database_answers_a_clean_503():
    workdir = Path(tempfile.mkdtemp(prefix="authsite-db-down-"))
    closed = f"postgres://postgres@127.0.0.1:{free_port()}/authsite"
    server, _ = site_for(closed, workdir)

    with server, httpx.Client(base_url=server.url, timeout=30) as client:
        signup = post_form(client, "/accounts/signup/", signup_data("dana"))
        login = post_form(
            client, "/accounts/login/", {"username": "dana", "password": PASSWORD}
        )

    assert_clean_503(signup)
    assert_clean_503(login)


@pytest.fixture
def sqlite_site():
    """gunicorn on a migrated SQLite file whose writes wait at most one second."""
    workdir = Path(tempfile.mkdtemp(prefix="authsite-db-fail-"))
    database = workdir / "db.sqlite3"
    server, env = site_for(f"sqlite:///{database}?timeout=1", workdir)
    manage(env, "migrate", "--no-input")
    with server:
        yield server, database


def users_named(database: Path, username: str) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM accounts_user WHERE username = ?", (username,)
        ).fetchone()
    return count


def test_signup_while_the_database_fails_writes_no_user(sqlite_site):
    server, database = sqlite_site
    # Another connection holds the write lock: the signup's reads succeed and its
    # INSERT fails, as when the database dies between validation and the write.
    blocker = sqlite3.connect(database, isolation_level=None)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        blocker.execute("BEGIN IMMEDIATE")
        try:
            failed = post_form(client, "/accounts/signup/", signup_data("finn"))
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        written = users_named(database, "finn")
        retried = post_form(client, "/accounts/signup/", signup_data("finn"))
        home = client.get("/")

    assert_clean_503(failed)
    assert written == 0
    assert retried.status_code == 302
    assert "Signed in as finn" in home.text
    assert users_named(database, "finn") == 1
