"""Each token here is refused with 401, and nothing changes: no blacklist entry, no new
outstanding token, the user untouched (the ``refused`` fixture). Forgeries of the
signature, algorithm, issuer, audience, subject and key id are in
tests/security/test_rfc8725.py."""

import base64
import os
import time

import pytest

from tests.helpers.jose import b64json, claims_of

pytestmark = pytest.mark.django_db


def test_edited_payload_is_refused(forge, other_user, refused):
    header, payload, signature = forge().split(".")
    edited = claims_of(f"{header}.{payload}") | {"sub": str(other_user.pk)}

    refused(f"{header}.{b64json(edited)}.{signature}")


def test_expired_token_is_refused(forge, claims, refused):
    now = int(time.time())

    refused(forge(claims(iat=now - 600, exp=now - 60)))


def test_not_yet_valid_token_is_refused(forge, claims, refused):
    refused(forge(claims(nbf=int(time.time()) + 3600)))


def test_token_issued_in_the_future_is_refused(forge, claims, refused):
    refused(forge(claims(iat=time.time() + 3600)))


@pytest.mark.parametrize(
    "claim", ["iss", "aud", "sub", "exp", "iat", "jti", "token_type"]
)
def test_token_missing_a_required_claim_is_refused(forge, claims, refused, claim):
    payload = claims()
    del payload[claim]

    refused(forge(payload))


def test_refresh_token_used_as_access_is_refused(api_client, tokens, bearer):
    response = api_client.get("/api/me/", **bearer(tokens["refresh"]))

    assert response.status_code == 401


def test_access_token_used_as_refresh_is_refused(tokens, refused):
    # A live access token verifies (200): it is refused only where a refresh belongs.
    refused(tokens["access"], at=["refresh"])


def test_blacklisted_refresh_token_is_refused(api_client, tokens, refused):
    api_client.post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")

    refused(tokens["refresh"], at=["verify", "refresh"])


def test_deleted_users_token_is_refused(forge, claims, other_user, refused):
    token = forge(claims(sub=str(other_user.pk)))
    other_user.delete()

    refused(token)


def test_deactivated_users_token_is_refused(tokens, user, api_client, bearer):
    user.is_active = False
    user.save()

    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401
    refreshed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401


@pytest.mark.parametrize("sub", ["1 OR 1=1", ["1"]])
def test_refresh_token_whose_sub_is_not_a_user_id_is_refused(
    forge, claims, refused, sub
):
    refused(forge(claims(sub=sub, token_type="refresh")), at=["verify", "refresh"])


def test_token_signed_with_another_secret_is_refused(forge, refused):
    refused(forge(key=b"x" * 64))


def test_random_bytes_are_refused(refused):
    refused(base64.urlsafe_b64encode(os.urandom(300)).decode())


def test_a_100_kb_token_is_refused(forge, claims, refused):
    token = forge(claims(padding="x" * 100_000))

    assert len(token) > 100_000
    refused(token)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize(
    "value",
    ["soon", 1e20, -1e20, [1], True, None, {"t": 1}],
    ids=["text", "huge", "huge-negative", "list", "bool", "null", "object"],
)
def test_a_time_claim_that_is_not_a_number_in_range_is_refused(
    forge, claims, refused, claim, value
):
    refused(forge(claims(**{claim: value})))
