"""RFC 8725, JSON Web Token Best Current Practices: one test per requirement, named after
its section. Every forged token is sent where a token is accepted (Bearer on /api/me/,
/api/auth/token/verify/, /api/auth/token/refresh/) and must get 401 (413 for a body
over the size limit) with nothing changed: no outstanding or blacklisted token added,
no refresh token marked used in Redis, the user's password and revocation time
untouched. The fixtures are in tests/conftest.py and conftest.py here, the JOSE helpers
in tests/helpers/jose.py.

Audience (RFC 7519 §4.1.3): a token whose ``aud`` is a list is accepted when one
element is exactly JWT_AUDIENCE, as the RFC says ("each principal intended to process
the JWT MUST identify itself with a value in the audience claim"). Only our signing key
can make such a token, and the site itself only ever issues a single string. Prefix,
suffix and case variants, and lists without our exact value, are refused.
"""

import base64
import hashlib
import hmac
import json

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tokens import cookies, keys
from accounts.tokens.checks import check_jwt_keys
from tests.helpers.jose import (
    b64,
    b64json,
    claims_of,
    hs256_with_secret,
)

pytestmark = pytest.mark.django_db


# 3.1 Perform Algorithm Verification: one algorithm per key, the configured one.


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_3_1_perform_algorithm_verification_hs256_key_used_with_another_hmac(
    forge, refused, algorithm
):
    refused(forge(algorithm=algorithm))


@pytest.mark.parametrize("algorithm", ["RS384", "RS512", "PS256", "PS512"])
def test_3_1_perform_algorithm_verification_rsa_key_used_with_another_algorithm(
    rs256, forge, refused, algorithm
):
    refused(forge(algorithm=algorithm))


def test_3_1_perform_algorithm_verification_jwks_names_one_algorithm_per_key(
    rs256, api_client
):
    published = api_client.get("/.well-known/jwks.json").json()["keys"]

    assert [(k["kid"], k["alg"], k["use"]) for k in published] == [
        (rs256["kid"], "RS256", "sig")
    ]


@pytest.mark.parametrize("spelling", ["none", "None", "NONE", "nOnE"])
def test_3_1_perform_algorithm_verification_alg_none_in_any_spelling(
    claims, refused, spelling
):
    kid = keys.jwt_keys().signing_kid
    unsigned = (
        f"{b64json({'alg': spelling, 'typ': 'JWT', 'kid': kid})}.{b64json(claims())}"
    )

    refused(unsigned + ".")
    # ...and with a signature someone pasted on.
    refused(unsigned + "." + b64(b"signature"))


def test_3_1_perform_algorithm_verification_hs256_keyed_with_the_rsa_public_pem(
    rs256, claims, refused
):
    header = {"alg": "HS256", "typ": "JWT", "kid": rs256["kid"]}

    refused(hs256_with_secret(rs256["public"].read_bytes(), header, claims()))


def test_3_1_perform_algorithm_verification_hs256_keyed_with_the_rsa_public_jwk(
    rs256, claims, refused, api_client
):
    published = api_client.get("/.well-known/jwks.json").json()["keys"][0]
    header = {"alg": "HS256", "typ": "JWT", "kid": rs256["kid"]}

    for secret in (
        json.dumps(published).encode(),
        json.dumps(published, separators=(",", ":"), sort_keys=True).encode(),
        base64.urlsafe_b64decode(published["n"] + "=="),
    ):
        refused(hs256_with_secret(secret, header, claims()))


# 3.2 Use Appropriate Algorithms: 3.1 covers "none"; weak keys are refused at start.


def test_3_2_use_appropriate_algorithms_unknown_algorithm_is_refused(claims, refused):
    kid = keys.jwt_keys().signing_kid
    header = {"alg": "HS1", "typ": "JWT", "kid": kid}

    refused(f"{b64json(header)}.{b64json(claims())}.{b64(b'x' * 20)}")


# 3.3 Validate All Cryptographic Operations; 3.4 Validate Cryptographic Inputs.


def test_3_3_validate_all_cryptographic_operations_truncated_signature(forge, refused):
    token = forge()
    head, payload, signature = token.split(".")

    refused(f"{head}.{payload}.{signature[:-8]}")
    refused(f"{head}.{payload}.")


def test_3_4_validate_cryptographic_inputs_es256_zero_signature(
    key_pair, claims, refused
):
    # The "psychic signature" (r = s = 0) that some ECDSA verifiers accepted.
    kid = key_pair("ES256")["kid"]
    header = {"alg": "ES256", "typ": "JWT", "kid": kid}

    refused(f"{b64json(header)}.{b64json(claims())}.{b64(bytes(64))}")


# 3.5 Ensure Cryptographic Keys Have Sufficient Entropy.


def test_3_5_sufficient_entropy_short_hs256_key_fails_the_system_check(settings):
    settings.DEBUG = False
    settings.JWT_SIGNING_KEY = "too-short-a-secret"

    assert [error.id for error in check_jwt_keys()] == ["authsite.E012"]


# 3.7 Use UTF-8.


def test_3_7_use_utf_8_payload_that_is_not_utf_8_is_refused(claims, refused):
    header = {"alg": "HS256", "typ": "JWT", "kid": keys.jwt_keys().signing_kid}
    payload = json.dumps(claims(jti="JTI")).encode().replace(b"JTI", b"\xff\xfe")
    signing_input = f"{b64json(header)}.{b64(payload)}"
    secret = keys.jwt_keys().signing_key
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()

    refused(f"{signing_input}.{b64(signature)}")


# 3.8 Validate Issuer and Subject.


@pytest.mark.parametrize(
    "issuer",
    ["authsite.evil", "evil-authsite", "AUTHSITE", "Authsite", "authsit", " authsite",
     "authsite ", ["authsite"], None, "", "https://evil.example"],
)  # fmt: skip
def test_3_8_validate_issuer_exact_match(forge, claims, refused, issuer):
    assert claims()["iss"] == "authsite"

    refused(forge(claims(iss=issuer)))


@pytest.mark.parametrize(
    "sub",
    ["1 OR 1=1", ["1"], {"id": 1}, None, "", "00", 1, "0", "-1", "1e3", "99999999"],
)
def test_3_8_validate_subject_that_is_not_a_user_id(forge, claims, refused, sub):
    refused(forge(claims(sub=sub)))


# 3.9 Use and Validate Audience.


@pytest.mark.parametrize(
    "audience",
    ["authsite-api.evil", "evil.authsite-api", "AUTHSITE-API", "authsite-ap",
     "authsite-api ", ["other-api"], ["AUTHSITE-API", "other-api"], [], "", None,
     {"aud": "authsite-api"}, "some-other-api"],
)  # fmt: skip
def test_3_9_validate_audience_exact_match(forge, claims, refused, audience):
    assert claims()["aud"] == "authsite-api"

    refused(forge(claims(aud=audience)))


def test_3_9_validate_audience_list_with_ours_is_accepted_per_rfc_7519(
    forge, claims, accepted
):
    assert accepted(forge(claims(aud=["other-api", "authsite-api"])))


# 3.10 Do Not Trust Received Claims: kid, and keys or key URLs named by the token.


@pytest.mark.parametrize(
    "kid",
    ["../../dev/null", "/dev/null", "' OR '1'='1", "x' UNION SELECT 'key", "",
     "k" * 10_240, ["k"], {"$ne": ""}, None, 1, "someone-elses-key"],
)  # fmt: skip
def test_3_10_do_not_trust_kid_injection_is_refused(claims, refused, kid):
    # Signed with an empty key (what ../../dev/null would read) and with ours.
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    for secret in (b"", keys.jwt_keys().signing_key):
        refused(hs256_with_secret(secret, header, claims()))


def _key_headers(attacker, name: str) -> dict:
    return {
        "jwk": {"jwk": attacker["jwk"]},
        "jku": {"jku": attacker["url"]},
        "x5u": {"x5u": attacker["url"]},
        "x5c": {"x5c": attacker["x5c"]},
    }[name]


@pytest.mark.parametrize("header", ["jwk", "jku", "x5u", "x5c"])
def test_3_10_do_not_trust_key_headers_attacker_key_is_refused_and_not_fetched(
    rs256, forge, refused, attacker, header
):
    for kid in (attacker["kid"], rs256["kid"]):
        token = forge(
            key=attacker["key"], headers={"kid": kid, **_key_headers(attacker, header)}
        )
        refused(token)

    assert attacker["requests"] == []


@pytest.mark.parametrize("header", ["jku", "x5u"])
def test_3_10_do_not_trust_key_headers_our_token_is_verified_with_our_key_only(
    rs256, forge, accepted, attacker, header
):
    token = forge(headers={"kid": rs256["kid"], **_key_headers(attacker, header)})

    assert accepted(token)
    assert attacker["requests"] == []


def test_3_10_crit_header_with_an_unknown_extension_is_refused(forge, refused):
    kid = keys.jwt_keys().signing_kid

    # RFC 7515 §4.1.11: a recipient that does not understand a critical extension
    # must reject the token.
    refused(forge(headers={"kid": kid, "crit": ["exp-guard"], "exp-guard": 1}))
    refused(forge(headers={"kid": kid, "crit": []}))
    refused(forge(headers={"kid": kid, "crit": "exp-guard"}))


# 3.11 Use Explicit Typing and 3.12 Use Mutually Exclusive Validation Rules: access and
# refresh tokens differ in the required token_type claim; neither passes for the other.


def test_3_12_mutually_exclusive_validation_refresh_token_is_not_an_access_token(
    forge, claims, api_client
):
    token = forge(claims(token_type="refresh"))

    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_3_12_mutually_exclusive_validation_access_token_is_not_a_refresh_token(
    forge, api_client
):
    count = OutstandingToken.objects.count()

    response = api_client.post(
        "/api/auth/token/refresh/", {"refresh": forge()}, format="json"
    )

    assert response.status_code == 401
    assert OutstandingToken.objects.count() == count


@pytest.mark.parametrize("token_type", ["ACCESS", "id", "", None, ["access"]])
def test_3_11_explicit_typing_unknown_token_type_is_refused(
    forge, claims, refused, token_type
):
    refused(forge(claims(token_type=token_type)))


# 2.8 Multiplicity of JSON Encodings, and tokens that are not compact JWS at all.


def test_2_8_jwe_look_alike_with_five_segments_is_refused(forge, refused):
    kid = keys.jwt_keys().signing_kid
    header = b64json({"alg": "dir", "enc": "A256GCM", "kid": kid})

    refused(f"{header}..{b64(b'iv' * 6)}.{b64(b'ciphertext')}.{b64(b'tag' * 5)}")
    # A valid JWS with two segments spliced in: still not ours.
    head, payload, signature = forge().split(".")
    refused(f"{head}.{payload}.{payload}.{payload}.{signature}")


def test_2_8_json_serialization_look_alikes_are_refused(forge, refused):
    head, payload, signature = forge().split(".")
    general = {
        "payload": payload,
        "signatures": [{"protected": head, "signature": signature}],
    }
    flattened = {"payload": payload, "protected": head, "signature": signature}

    refused(json.dumps(general, separators=(",", ":")))
    refused(json.dumps(flattened, separators=(",", ":")))
    refused(b64(json.dumps(flattened).encode()))


def test_2_8_duplicate_alg_member_is_read_last_wins_and_refused(claims, refused):
    # RFC 7515 §4: reject duplicates or take the lexically last one. A parser that
    # took the first "alg" would check this as HS256; ours sees "none" and refuses.
    kid = keys.jwt_keys().signing_kid
    header = b64(f'{{"alg":"HS256","kid":"{kid}","alg":"none"}}'.encode())
    signing_input = f"{header}.{b64json(claims())}"
    secret = keys.jwt_keys().signing_key
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()

    refused(f"{signing_input}.")
    refused(f"{signing_input}.{b64(signature)}")


# Oversize tokens (issue 6): refused before they are parsed or verified.


def test_oversize_token_in_the_header_is_refused_unauthenticated(
    forge, claims, api_client
):
    token = forge(claims(padding="x" * 1_000_000))

    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert "username" not in response.json()


def test_oversize_token_in_the_body_is_413(api_client, refused):
    token = "a" * 300_000 + ".b.c"

    response = api_client.post(
        "/api/auth/token/verify/", {"token": token}, format="json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_oversize_token_just_over_our_limit_is_refused(forge, claims, refused):
    token = forge(claims(padding="x" * 4_000))

    assert 4096 < len(token) < 10_000
    refused(token)


def test_the_forged_baseline_is_accepted(forge, accepted, tokens):
    # Each case above differs from this valid token in one way only.
    assert accepted(forge())
    assert set(claims_of(tokens["access"])) >= {"iss", "aud", "sub"}


def test_3_1_and_3_10_forgeries_in_the_access_cookie_are_refused(
    settings, rs256, claims, forge, api_client
):
    # JWT_COOKIE=1: the access cookie goes through the same verification as Bearer.
    settings.JWT_COOKIE = True
    name = cookies.access_cookie_name()
    kid = rs256["kid"]
    forged = [
        f"{b64json({'alg': 'none', 'kid': kid})}.{b64json(claims())}.",
        hs256_with_secret(
            rs256["public"].read_bytes(), {"alg": "HS256", "kid": kid}, claims()
        ),
        hs256_with_secret(b"", {"alg": "HS256", "kid": "../../dev/null"}, claims()),
        forge(claims(aud="AUTHSITE-API")),
    ]

    for token in forged:
        api_client.cookies[name] = token
        assert api_client.get("/api/me/").status_code == 401
    api_client.cookies[name] = forge()
    assert api_client.get("/api/me/").status_code == 200
