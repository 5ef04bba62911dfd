"""Django's deployment checklist and the HTTP security headers, under production
settings (DEBUG off, behind the TLS-terminating proxy)."""

import tempfile
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from tests.live_site import manage, site_env

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
