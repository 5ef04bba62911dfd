import jwt
import pytest
from django.conf import settings

from accounts.tokens import keys

pytestmark = pytest.mark.django_db


def decode(token: str) -> dict:
    return jwt.decode(
        token,
        keys.jwt_keys().signing_key,
        algorithms=["HS256"],
        audience=settings.JWT_AUDIENCE,
        issuer=settings.JWT_ISSUER,
    )


def test_token_endpoint_returns_access_and_refresh(tokens):
    assert set(tokens) == {"access", "refresh"}


def test_tokens_carry_the_registered_claims(user, tokens):
    for kind in ("access", "refresh"):
        claims = decode(tokens[kind])
        assert claims["iss"] == settings.JWT_ISSUER
        assert claims["aud"] == settings.JWT_AUDIENCE
        assert claims["sub"] == str(user.pk)
        assert claims["token_type"] == kind
        assert claims["exp"] > claims["iat"]
        assert claims["jti"]


def test_access_token_names_its_refresh_token_in_sid(tokens):
    assert decode(tokens["access"])["sid"] == decode(tokens["refresh"])["jti"]


def test_tokens_name_their_key_in_kid(tokens):
    header = jwt.get_unverified_header(tokens["access"])

    assert header["alg"] == "HS256"
    assert header["kid"] == keys.jwt_keys().signing_kid


def test_access_token_lifetime_follows_the_setting(tokens):
    claims = decode(tokens["access"])

    lifetime = settings.JWT_ACCESS_TOKEN_LIFETIME
    assert lifetime - 1 <= claims["exp"] - claims["iat"] <= lifetime


def test_tokens_stay_under_4_kb(tokens):
    assert len(tokens["access"]) < 4096
    assert len(tokens["refresh"]) < 4096


def test_sign_in_by_email_in_any_case(user, obtain):
    response = obtain("ALICE@Example.com")

    assert response.status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_401(user, obtain):
    wrong_password = obtain("alice", "not-the-password")
    unknown_user = obtain("nobody", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()
    assert wrong_password.json()["code"] == "no_active_account"


def test_inactive_user_gets_no_token(user, obtain):
    user.is_active = False
    user.save()

    assert obtain().status_code == 401


def test_bearer_token_reads_the_profile(user, tokens, api_client, bearer):
    response = api_client.get("/api/me/", **bearer(tokens["access"]))

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "alice",
        "email": "alice@example.com",
        "email_verified": True,
        "first_name": "",
        "last_name": "",
        "date_joined": response.json()["date_joined"],
    }


def test_profile_without_a_token_is_401_json(api_client):
    response = api_client.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
