import pytest
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

pytestmark = pytest.mark.django_db


def refresh(api_client, token):
    return api_client.post(
        "/api/auth/token/refresh/", {"refresh": token}, format="json"
    )


def test_refresh_returns_a_new_pair(api_client, tokens, bearer):
    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != tokens["refresh"]
    assert api_client.get("/api/me/", **bearer(pair["access"])).status_code == 200


def test_refresh_blacklists_the_old_refresh_token(api_client, tokens):
    refresh(api_client, tokens["refresh"])

    assert BlacklistedToken.objects.count() == 1


def test_reusing_a_rotated_refresh_token_is_401(api_client, tokens):
    assert refresh(api_client, tokens["refresh"]).status_code == 200

    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_the_new_refresh_token_is_recorded_as_outstanding(api_client, tokens):
    pair = refresh(api_client, tokens["refresh"]).json()

    assert OutstandingToken.objects.count() == 2
    assert refresh(api_client, pair["refresh"]).status_code == 200


def test_refresh_for_a_deleted_user_is_401(api_client, user, tokens):
    user.delete()

    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 401


def test_refresh_for_a_deactivated_user_is_401(api_client, user, tokens):
    user.is_active = False
    user.save()

    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_refresh_without_a_token_is_400(api_client):
    response = api_client.post("/api/auth/token/refresh/", {}, format="json")

    assert response.status_code == 400
    assert "refresh" in response.json()


def test_reuse_after_the_grace_time_ends_the_whole_sign_in(
    api_client, strategy, user, obtain, bearer, settings
):
    settings.AUTHSITE_REFRESH_REUSE_GRACE = 0
    stolen = obtain().json()
    successor = refresh(api_client, stolen["refresh"]).json()

    reuse = refresh(api_client, stolen["refresh"])

    assert reuse.status_code == 401
    assert reuse.json()["code"] == "session_ended"
    assert refresh(api_client, successor["refresh"]).status_code == 401
    assert api_client.get("/api/me/", **bearer(successor["access"])).status_code == 401


def test_reuse_ends_only_its_own_sign_in(api_client, user, obtain, bearer, settings):
    settings.AUTHSITE_REFRESH_REUSE_GRACE = 0
    stolen = obtain().json()
    other = obtain().json()
    refresh(api_client, stolen["refresh"])

    refresh(api_client, stolen["refresh"])

    assert api_client.get("/api/me/", **bearer(other["access"])).status_code == 200
    assert refresh(api_client, other["refresh"]).status_code == 200


def test_reuse_within_the_grace_time_is_refused_and_ends_nothing(
    api_client, user, tokens, bearer, settings
):
    # Two tabs renewing at once: the loser's answer must not sign the winner out.
    settings.AUTHSITE_REFRESH_REUSE_GRACE = 3600
    successor = refresh(api_client, tokens["refresh"]).json()

    reuse = refresh(api_client, tokens["refresh"])

    assert reuse.status_code == 401
    assert reuse.json()["code"] == "token_not_valid"
    assert api_client.get("/api/me/", **bearer(successor["access"])).status_code == 200
    assert refresh(api_client, successor["refresh"]).status_code == 200
