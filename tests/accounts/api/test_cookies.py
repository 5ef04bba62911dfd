"""JWT_COOKIE=1: tokens in HttpOnly cookies, not in the body; CSRF on unsafe methods."""

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ACCESS, REFRESH = "__Host-access", "__Secure-refresh"


@pytest.fixture
def cookie_mode(settings):
    settings.JWT_COOKIE = True
    settings.DEBUG = False
    settings.SESSION_COOKIE_SECURE = True  # as with DEBUG off


@pytest.fixture
def cookie_client(cookie_mode, user):
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        "/api/auth/token/",
        {"username": "alice", "password": PASSWORD},
        format="json",
        secure=True,
    )
    assert response.status_code == 200
    return client


def csrf(client) -> dict:
    return {"HTTP_X_CSRFTOKEN": client.cookies[django_settings.CSRF_COOKIE_NAME].value}


def test_token_endpoint_sets_both_cookies_and_no_tokens_in_the_body(cookie_mode, user):
    client = APIClient()
    response = client.post(
        "/api/auth/token/",
        {"username": "alice", "password": PASSWORD},
        format="json",
        secure=True,
    )

    assert response.status_code == 200
    assert "access" not in response.json()
    assert "refresh" not in response.json()
    for name in (ACCESS, REFRESH):
        cookie = response.cookies[name]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["secure"] is True
    assert response.cookies[ACCESS]["path"] == "/"
    assert response.cookies[REFRESH]["path"] == "/api/auth/token/refresh/"


def test_cookies_are_not_secure_and_unprefixed_in_debug(settings, user):
    settings.JWT_COOKIE = True
    settings.DEBUG = True
    settings.SESSION_COOKIE_SECURE = False  # as with DEBUG on

    response = APIClient().post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.cookies["access"]["secure"] == ""
    assert response.cookies["refresh"]["path"] == "/api/auth/token/refresh/"


def test_access_cookie_authenticates_a_read(cookie_client):
    response = cookie_client.get("/api/me/", secure=True)

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_cookie_authenticated_patch_without_csrf_is_refused(cookie_client, user):
    response = cookie_client.patch(
        "/api/me/", {"first_name": "Mallory"}, format="json", secure=True
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    user.refresh_from_db()
    assert user.first_name == ""


def test_cookie_authenticated_patch_with_csrf_works(cookie_client, user):
    response = cookie_client.patch(
        "/api/me/",
        {"first_name": "Alice"},
        format="json",
        secure=True,
        HTTP_REFERER="https://testserver/",
        **csrf(cookie_client),
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.first_name == "Alice"


def test_refresh_from_the_cookie_rotates_both_cookies(cookie_client):
    old = cookie_client.cookies[REFRESH].value

    response = cookie_client.post(
        "/api/auth/token/refresh/",
        format="json",
        secure=True,
        HTTP_REFERER="https://testserver/",
        **csrf(cookie_client),
    )

    assert response.status_code == 200
    assert "refresh" not in response.json()
    assert response.cookies[REFRESH].value != old
    assert response.cookies[ACCESS].value


def test_refresh_from_the_cookie_needs_csrf(cookie_client):
    response = cookie_client.post("/api/auth/token/refresh/", secure=True)

    assert response.status_code == 403


def test_logout_with_cookies_blacklists_the_sign_in_and_clears_cookies(cookie_client):
    response = cookie_client.post(
        "/api/auth/logout/",
        secure=True,
        HTTP_REFERER="https://testserver/",
        **csrf(cookie_client),
    )

    assert response.status_code == 204
    assert BlacklistedToken.objects.count() == 1
    assert response.cookies[ACCESS].value == ""
    assert response.cookies[REFRESH].value == ""


def test_bearer_header_still_works_in_cookie_mode(cookie_mode, user, obtain):
    client = APIClient()
    obtain(client=client)
    access = client.cookies[ACCESS].value

    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {access}")

    assert response.status_code == 200


def test_access_cookie_is_ignored_without_cookie_mode(
    settings, user, api_client, obtain
):
    client = api_client
    settings.JWT_COOKIE = True
    obtain()
    settings.JWT_COOKIE = False

    assert client.get("/api/me/").status_code == 401


def test_refresh_with_a_list_body_in_cookie_mode_is_4xx(cookie_client):
    response = cookie_client.post(
        "/api/auth/token/refresh/", [1, 2], format="json", secure=True
    )

    assert response.status_code in (400, 403)
