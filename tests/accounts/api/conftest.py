import io
import time
import uuid

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from accounts.tokens import keys
from tests.factories import PASSWORD


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def obtain(api_client):
    """POST credentials to the token endpoint and return the response."""

    def obtain(username="alice", password=PASSWORD, client=None, **extra):
        return (client or api_client).post(
            "/api/auth/token/",
            {"username": username, "password": password},
            format="json",
            **extra,
        )

    return obtain


@pytest.fixture
def tokens(user, obtain):
    """A fresh token pair for alice."""
    response = obtain()
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def bearer():
    def bearer(token: str) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return bearer


@pytest.fixture
def redis_commands():
    """Count the commands the test Redis server executes (INFO itself excluded)."""
    client = get_redis_connection("default")

    def total() -> int:
        stats = client.info("commandstats")
        return sum(
            value["calls"]
            for name, value in stats.items()
            if name not in ("cmdstat_info",)
        )

    return total


def generate_keys(directory, algorithm: str = "RS256") -> dict:
    """Run `manage.py jwt_keys generate` and return the paths it wrote."""
    out = io.StringIO()
    call_command(
        "jwt_keys",
        "generate",
        algorithm=algorithm,
        directory=str(directory),
        stdout=out,
    )
    kid = out.getvalue().split()[1]
    return {
        "kid": kid,
        "private": directory / f"{kid}.private.pem",
        "public": directory / f"{kid}.public.pem",
    }


@pytest.fixture
def rs256(settings, tmp_path):
    """Switch the site to RS256 with a freshly generated key pair."""
    generated = generate_keys(tmp_path)
    settings.JWT_ALGORITHM = "RS256"
    settings.JWT_SIGNING_KEY_FILE = str(generated["private"])
    settings.JWT_VERIFYING_KEY_FILES = []
    return generated


@pytest.fixture
def forge(user):
    """Sign arbitrary claims with the site's current key (or another key/algorithm)."""

    def forge(overrides=None, *, drop=(), key=None, algorithm=None, headers=None):
        now = time.time()
        claims = {
            "iss": settings.JWT_ISSUER,
            "aud": settings.JWT_AUDIENCE,
            "sub": str(user.pk),
            "exp": int(now) + 300,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "token_type": "access",
            **(overrides or {}),
        }
        for name in drop:
            claims.pop(name)
        site_keys = keys.jwt_keys()
        return jwt.encode(
            claims,
            key if key is not None else site_keys.signing_key,
            algorithm=algorithm or site_keys.algorithm,
            headers={"kid": site_keys.signing_kid} if headers is None else headers,
        )

    return forge
