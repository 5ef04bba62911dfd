"""What a browser or shared cache must not keep: signed-in pages, tokens, user data."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/accounts/profile/", "/accounts/sessions/"])
def test_every_page_answered_to_a_signed_in_user_is_no_store(client_signed_in, path):
    response = client_signed_in.get(path)

    assert response.status_code == 200
    assert no_store(response)


def test_a_page_answered_to_nobody_signed_in_may_be_cached(client, db):
    response = client.get("/")

    assert not no_store(response)


@pytest.fixture
def api():
    return APIClient()


def test_the_token_answer_is_no_store(api, user):
    response = api.post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert no_store(response)


def test_the_users_data_is_no_store(api, user):
    access = api.post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    ).json()["access"]

    response = api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {access}")

    assert response.status_code == 200
    assert no_store(response)


def test_the_public_keys_stay_cacheable(api):
    response = api.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
