import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

pytestmark = pytest.mark.django_db


def verify(api_client, token):
    return api_client.post("/api/auth/token/verify/", {"token": token}, format="json")


def test_verify_accepts_a_live_access_token(api_client, tokens):
    assert verify(api_client, tokens["access"]).status_code == 200


def test_verify_accepts_a_live_refresh_token(api_client, tokens):
    assert verify(api_client, tokens["refresh"]).status_code == 200


def test_verify_refuses_a_blacklisted_refresh_token(api_client, tokens):
    api_client.post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")

    response = verify(api_client, tokens["refresh"])

    assert response.status_code == 401


def test_verify_refuses_a_revoked_access_token(api_client, tokens, bearer):
    api_client.post("/api/auth/logout-all/", **bearer(tokens["access"]))

    assert verify(api_client, tokens["access"]).status_code == 401


def test_verify_refuses_garbage(api_client):
    assert verify(api_client, "not.a.token").status_code == 401


def test_logout_blacklists_the_refresh_token(api_client, tokens):
    response = api_client.post(
        "/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert response.status_code == 204
    assert BlacklistedToken.objects.filter(token__jti__isnull=False).count() == 1
    refreshed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401


def test_logout_refuses_an_access_token_in_place_of_refresh(api_client, tokens):
    response = api_client.post(
        "/api/auth/logout/", {"refresh": tokens["access"]}, format="json"
    )

    assert response.status_code == 401
    assert not BlacklistedToken.objects.exists()


def test_logout_all_blacklists_every_refresh_token(api_client, user, obtain, bearer):
    pairs = [obtain().json() for _ in range(3)]

    response = api_client.post("/api/auth/logout-all/", **bearer(pairs[0]["access"]))

    assert response.status_code == 204
    assert BlacklistedToken.objects.count() == 3
    for pair in pairs:
        refreshed = api_client.post(
            "/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
        )
        assert refreshed.status_code == 401


def test_logout_all_refuses_every_earlier_access_token_at_once(
    api_client, user, obtain, bearer
):
    first, second = obtain().json(), obtain().json()

    api_client.post("/api/auth/logout-all/", **bearer(first["access"]))

    for pair in (first, second):
        response = api_client.get("/api/me/", **bearer(pair["access"]))
        assert response.status_code == 401
        assert response.json()["code"] == "token_revoked"


def test_tokens_issued_after_logout_all_work(api_client, user, obtain, bearer):
    api_client.post("/api/auth/logout-all/", **bearer(obtain().json()["access"]))

    fresh = obtain().json()

    assert api_client.get("/api/me/", **bearer(fresh["access"])).status_code == 200


def test_logout_all_ends_the_users_browser_sessions(
    client_signed_in, api_client, obtain, bearer
):
    assert "Signed in as alice" in client_signed_in.get("/").text

    api_client.post("/api/auth/logout-all/", **bearer(obtain().json()["access"]))

    assert "Signed in as alice" not in client_signed_in.get("/").text


def test_logout_all_needs_authentication(api_client):
    assert api_client.post("/api/auth/logout-all/").status_code == 401


def test_logout_works_with_an_expired_access_token_sent_along(api_client, tokens):
    response = api_client.post(
        "/api/auth/logout/",
        {"refresh": tokens["refresh"]},
        format="json",
        HTTP_AUTHORIZATION="Bearer expired.or.garbage",
    )

    assert response.status_code == 204
    assert BlacklistedToken.objects.count() == 1


def test_logout_refuses_that_sign_ins_access_token_at_once(
    api_client, strategy, user, obtain, bearer
):
    tokens = obtain().json()
    other = obtain().json()

    api_client.post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")

    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401
    assert api_client.get("/api/me/", **bearer(other["access"])).status_code == 200


def test_logout_refuses_the_access_tokens_of_earlier_rotations_too(
    api_client, user, tokens, bearer
):
    renewed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    ).json()

    api_client.post("/api/auth/logout/", {"refresh": renewed["refresh"]}, format="json")

    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401
    assert api_client.get("/api/me/", **bearer(renewed["access"])).status_code == 401
