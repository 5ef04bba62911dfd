"""Django's deployment checklist and the HTTP security headers, under production
settings (DEBUG off, behind the TLS-terminating proxy)."""

import tempfile
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from authsite.embedded_redis import free_port
from tests.factories import PASSWORD
from tests.helpers.live_site import Gunicorn, manage, site_env

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": settings.AUTHSITE_CONTENT_SECURITY_POLICY,
}

ANONYMOUS_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/MQ/bad-token/",
    "/accounts/password/reset/complete/",
    "/accounts/profile/",  # the redirect to sign in
    "/admin/login/",
    "/no-such-page/",
]
SIGNED_IN_PAGES = [
    "/",
    "/accounts/profile/",
    "/accounts/password/change/",
    "/accounts/password/change/done/",
    "/admin/",  # the redirect of a user who is not staff
]


def test_check_deploy_passes_with_production_settings():
    env = site_env(
        database_url="postgres://authsite@db.internal:5432/authsite",
        redis_url=settings.REDIS_URL,
        key_prefix=settings.REDIS_KEY_PREFIX,
        var_dir=Path(tempfile.mkdtemp()),
        debug=False,
        DJANGO_ALLOWED_HOSTS="auth.example.com",
    )

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_security_headers_on_every_anonymous_page(https_client, path):
    response = https_client.get(path)

    assert response.status_code < 500
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)


def test_security_headers_on_every_signed_in_page(https_client, unique_name):
    assert https_client.signup(unique_name).status_code == 302

    for path in SIGNED_IN_PAGES:
        response = https_client.get(path)
        assert response.status_code < 500
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (path, name)


def test_plain_http_is_redirected_to_https(production_site):

    response = httpx.get(f"{production_site.url}/accounts/login/")

    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def assert_security_headers(response: httpx.Response, what: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (what, name)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/health/", 200),
        ("GET", "/.well-known/jwks.json", 200),
        ("GET", "/api/docs/", 200),
        ("GET", "/api/schema/", 200),
        ("GET", "/api/me/", 401),
        ("POST", "/api/auth/token/verify/", 401),
        ("GET", "/api/no-such-endpoint/", 404),
        ("POST", "/api/auth/register/", 400),
        ("POST", "/api/auth/logout/", 400),
    ],
)
def test_security_headers_on_api_answers(https_client, method, path, status):
    body = {"token": "not-a-token"} if path.endswith("verify/") else {}
    response = https_client.request(method, path, json=body)

    assert response.status_code == status
    assert_security_headers(response, path)


def test_security_headers_on_signed_in_api_answers(https_client, unique_name):
    registered = https_client.request(
        "POST",
        "/api/auth/register/",
        json={
            "username": unique_name,
            "email": f"{unique_name}@example.com",
            "password": PASSWORD,
        },
    )
    https_client.address_confirm(unique_name)
    pair = https_client.request(
        "POST", "/api/auth/token/", json={"username": unique_name, "password": PASSWORD}
    )
    bearer = {"Authorization": f"Bearer {pair.json()['access']}"}
    me = https_client.request("GET", "/api/me/", headers=bearer)
    patched = https_client.request(
        "PATCH", "/api/me/", headers=bearer, json={"first_name": "Ada"}
    )

    for response, status in ((registered, 202), (pair, 200), (me, 200), (patched, 200)):
        assert response.status_code == status, response.text
        assert_security_headers(response, str(response.url))


def test_security_headers_on_a_throttled_api_answer(https_client, settings):
    # The register throttle allows a few tries per address per hour; the counters
    # live under this run's key prefix and are removed after the test.
    responses = [
        https_client.request("POST", "/api/auth/register/", json={})
        for _ in range(
            int(settings.AUTHSITE_API_THROTTLE_RATES["register"].split("/")[0]) + 1
        )
    ]

    throttled = responses[-1]
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert_security_headers(throttled, "429")


def test_security_headers_on_a_503_api_answer():
    workdir = Path(tempfile.mkdtemp(prefix="authsite-deploy-503-"))
    env = site_env(
        database_url=f"postgres://postgres@127.0.0.1:{free_port()}/authsite",
        redis_url=settings.REDIS_URL,
        key_prefix=settings.REDIS_KEY_PREFIX,
        var_dir=workdir,
        debug=False,
    )

    with Gunicorn(env, log_path=workdir / "gunicorn.log") as server:
        response = httpx.get(
            f"{server.url}/api/health/", headers={"X-Forwarded-Proto": "https"}
        )

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert_security_headers(response, "503")
