"""RS256/ES256 keys from PEM files, kid-based rotation, JWKS, and the key checks."""

import io
import json
import stat
import urllib.request

import jwt
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from accounts.tokens import keys
from accounts.tokens.checks import check_jwt_keys
from accounts.tokens.claims import RefreshToken
from tests.helpers.live_site import PRODUCTION_SECRET_KEY, manage_check

pytestmark = pytest.mark.django_db


def test_jwks_is_empty_with_hs256(api_client):
    response = api_client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.json() == {"keys": []}


def test_jwks_lists_the_rs256_public_key(rs256, api_client):
    jwks = api_client.get("/.well-known/jwks.json").json()

    assert len(jwks["keys"]) == 1
    key = jwks["keys"][0]
    assert key["kty"] == "RSA"
    assert key["kid"] == rs256["kid"]
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert "d" not in key  # no private part


def test_plain_pyjwt_verifies_an_rs256_token_with_only_the_jwks(
    rs256, user, obtain, live_server
):
    access = obtain().json()["access"]
    with urllib.request.urlopen(f"{live_server.url}/.well-known/jwks.json") as answer:  # noqa: S310
        jwks = json.loads(answer.read())

    # An independent verifier: the JWKS JSON and PyJWT, nothing of ours.
    kid = jwt.get_unverified_header(access)["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    public_key = jwt.PyJWK.from_dict(jwk).key
    claims = jwt.decode(
        access,
        public_key,
        algorithms=["RS256"],
        audience=django_settings.JWT_AUDIENCE,
        issuer=django_settings.JWT_ISSUER,
    )
    assert claims["sub"] == str(user.pk)
    assert len(access) < 4096


def test_es256_tokens_work(key_pair, user, obtain, api_client, bearer):
    key_pair("ES256")

    access = obtain().json()["access"]

    assert jwt.get_unverified_header(access)["alg"] == "ES256"
    assert api_client.get("/api/me/", **bearer(access)).status_code == 200
    assert api_client.get("/.well-known/jwks.json").json()["keys"][0]["crv"] == "P-256"


def test_rotated_key_keeps_earlier_tokens_valid(
    key_pair, settings, user, obtain, api_client, bearer
):
    old = key_pair("RS256")
    old_access = obtain().json()["access"]

    new = key_pair("RS256")
    settings.JWT_VERIFYING_KEY_FILES = [str(old["public"])]
    new_access = obtain().json()["access"]

    assert jwt.get_unverified_header(new_access)["kid"] == new["kid"]
    assert api_client.get("/api/me/", **bearer(old_access)).status_code == 200
    assert api_client.get("/api/me/", **bearer(new_access)).status_code == 200
    kids = {k["kid"] for k in api_client.get("/.well-known/jwks.json").json()["keys"]}
    assert kids == {old["kid"], new["kid"]}


def test_retired_key_is_refused(key_pair, user, obtain, api_client, bearer):
    key_pair("RS256")
    old_access = obtain().json()["access"]

    key_pair("RS256")  # the old key is no longer among the verifying keys

    assert api_client.get("/api/me/", **bearer(old_access)).status_code == 401


def test_hs256_token_is_refused_once_rs256_is_configured(
    rs256, settings, user, api_client, bearer
):
    settings.JWT_ALGORITHM = "HS256"
    hs_access = str(RefreshToken.for_user(user).access_token)
    settings.JWT_ALGORITHM = "RS256"

    assert api_client.get("/api/me/", **bearer(hs_access)).status_code == 401


def test_jwt_keys_generate_writes_a_private_key_only_its_owner_reads(tmp_path):
    out = io.StringIO()
    call_command("jwt_keys", "generate", directory=str(tmp_path), stdout=out)

    kid = out.getvalue().split()[1]
    private = tmp_path / f"{kid}.private.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (tmp_path / f"{kid}.public.pem").read_text().startswith("-----BEGIN PUBLIC")
    loaded = keys.keys_load(
        algorithm="RS256",
        signing_key="",
        signing_key_file=str(private),
        verifying_key_files=[],
    )
    assert loaded.signing_kid == kid


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("short-key", "needs at least 32"),
        ("", "JWT_SIGNING_KEY is required"),
        (None, "must not be DJANGO_SECRET_KEY"),
    ],
)
def test_check_refuses_a_weak_hs256_key_with_debug_off(settings, key, message):
    settings.DEBUG = False
    settings.JWT_ALGORITHM = "HS256"
    settings.JWT_SIGNING_KEY = settings.SECRET_KEY if key is None else key

    errors = check_jwt_keys()

    assert len(errors) == 1
    assert message in errors[0].msg


def test_check_accepts_a_long_hs256_key_with_debug_off(settings):
    settings.DEBUG = False
    settings.JWT_SIGNING_KEY = "k" * 32

    assert check_jwt_keys() == []


def test_check_names_a_missing_key_file(settings):
    settings.JWT_ALGORITHM = "RS256"
    settings.JWT_SIGNING_KEY_FILE = "/nonexistent/key.pem"

    errors = check_jwt_keys()

    assert len(errors) == 1
    assert "/nonexistent/key.pem" in errors[0].msg


def test_check_refuses_an_rsa_key_for_es256(settings, rs256):
    settings.JWT_ALGORITHM = "ES256"

    errors = check_jwt_keys()

    assert "P-256" in errors[0].msg


def test_manage_check_fails_with_a_short_key_in_production():
    result = manage_check(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="auth.example.com",
        AUTHSITE_SITE_URL="https://auth.example.com",
        JWT_SIGNING_KEY="too-short",
    )

    assert result.returncode != 0
    assert "JWT_SIGNING_KEY is 9 bytes; HS256 needs at least 32." in result.stderr
