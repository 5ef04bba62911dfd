"""Each token here is refused with 401, and nothing changes: no blacklist entry, no new
outstanding token, the user untouched."""

import base64
import hashlib
import hmac
import json
import os
import time

import jwt
import pytest
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def assert_refused(api_client, user, bearer):
    """Assert that the API, verify and refresh all refuse ``token`` and change nothing."""

    def check(token, *, as_refresh=True, as_access=True, as_verify=True):
        before = (
            OutstandingToken.objects.count(),
            BlacklistedToken.objects.count(),
            User.objects.values_list("password", "token_valid_after").get(pk=user.pk),
        )
        if as_access:
            response = api_client.get("/api/me/", **bearer(token))
            assert response.status_code == 401, response.content
            assert response.json()["code"] in {
                "token_not_valid",
                "token_revoked",
                "user_not_found",
                "user_inactive",
            }
        if as_verify:
            verified = api_client.post(
                "/api/auth/token/verify/", {"token": token}, format="json"
            )
            assert verified.status_code == 401, verified.content
        if as_refresh:
            response = api_client.post(
                "/api/auth/token/refresh/", {"refresh": token}, format="json"
            )
            assert response.status_code == 401, response.content
        after = (
            OutstandingToken.objects.count(),
            BlacklistedToken.objects.count(),
            User.objects.values_list("password", "token_valid_after").get(pk=user.pk),
        )
        assert after == before

    return check


def b64(data: dict) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_the_forged_baseline_is_accepted(api_client, forge, bearer):
    # The helper signs valid tokens: each case below differs in one way only.
    assert api_client.get("/api/me/", **bearer(forge())).status_code == 200


def test_alg_none_is_refused(forge, assert_refused):
    signed = forge()
    _header, payload, _signature = signed.split(".")
    unsigned = b64(
        {"alg": "none", "typ": "JWT", "kid": jwt.get_unverified_header(signed)["kid"]}
    )

    assert_refused(f"{unsigned}.{payload}.")


def test_hs256_signed_with_the_rsa_public_key_is_refused(rs256, forge, assert_refused):
    public_pem = rs256["public"].read_bytes()
    header = {"alg": "HS256", "typ": "JWT", "kid": rs256["kid"]}
    payload = json.loads(base64.urlsafe_b64decode(forge().split(".")[1] + "=="))
    signing_input = f"{b64(header)}.{b64(payload)}".encode()
    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    token = (
        signing_input.decode()
        + "."
        + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    )

    assert_refused(token)


def test_edited_payload_is_refused(forge, user, other_user, assert_refused):
    header, payload, signature = forge().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = str(other_user.pk)

    assert_refused(f"{header}.{b64(claims)}.{signature}")


def test_expired_token_is_refused(forge, assert_refused):
    now = int(time.time())

    assert_refused(forge({"iat": now - 600, "exp": now - 60}))


def test_not_yet_valid_token_is_refused(forge, assert_refused):
    assert_refused(forge({"nbf": int(time.time()) + 3600}))


def test_token_issued_in_the_future_is_refused(forge, assert_refused):
    assert_refused(forge({"iat": time.time() + 3600}))


def test_wrong_issuer_is_refused(forge, assert_refused):
    assert_refused(forge({"iss": "https://evil.example"}))


def test_wrong_audience_is_refused(forge, assert_refused):
    assert_refused(forge({"aud": "some-other-api"}))


@pytest.mark.parametrize(
    "claim", ["iss", "aud", "sub", "exp", "iat", "jti", "token_type"]
)
def test_token_missing_a_required_claim_is_refused(forge, assert_refused, claim):
    assert_refused(forge(drop=[claim]))


def test_refresh_token_used_as_access_is_refused(api_client, tokens, bearer):
    response = api_client.get("/api/me/", **bearer(tokens["refresh"]))

    assert response.status_code == 401


def test_access_token_used_as_refresh_is_refused(tokens, assert_refused):
    # A live access token verifies (200): it is refused only where a refresh belongs.
    assert_refused(tokens["access"], as_access=False, as_verify=False)


def test_blacklisted_refresh_token_is_refused(api_client, tokens, assert_refused):
    api_client.post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")

    assert_refused(tokens["refresh"], as_access=False)


def test_deleted_users_token_is_refused(forge, other_user, assert_refused):
    token = forge({"sub": str(other_user.pk)})
    other_user.delete()

    assert_refused(token)


def test_deactivated_users_token_is_refused(tokens, user, api_client, bearer):
    user.is_active = False
    user.save()

    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401
    refreshed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401


@pytest.mark.parametrize(
    "sub", ["1 OR 1=1", ["1"], 1, "", "0", "-1", "1e3", "99999999"]
)
def test_token_whose_sub_is_not_a_user_id_is_refused(forge, assert_refused, sub):
    assert_refused(forge({"sub": sub}))


@pytest.mark.parametrize("sub", ["1 OR 1=1", ["1"]])
def test_refresh_token_whose_sub_is_not_a_user_id_is_refused(
    forge, assert_refused, sub
):
    assert_refused(forge({"sub": sub, "token_type": "refresh"}), as_access=False)


def test_unknown_kid_is_refused(forge, assert_refused):
    assert_refused(forge(headers={"kid": "someone-elses-key"}))


def test_token_signed_with_another_secret_is_refused(forge, assert_refused):
    assert_refused(forge(key=b"x" * 64))


def test_random_bytes_are_refused(assert_refused):
    assert_refused(base64.urlsafe_b64encode(os.urandom(300)).decode())


def test_a_100_kb_token_is_refused(forge, assert_refused):
    token = forge({"padding": "x" * 100_000})

    assert len(token) > 100_000
    assert_refused(token)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize(
    "value",
    ["soon", 1e20, -1e20, [1], True, None, {"t": 1}],
    ids=["text", "huge", "huge-negative", "list", "bool", "null", "object"],
)
def test_a_time_claim_that_is_not_a_number_in_range_is_refused(
    forge, assert_refused, claim, value
):
    assert_refused(forge({claim: value}))
