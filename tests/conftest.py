"""The suite's fixtures. Their machinery lives in tests/helpers/, data in factories.py."""

import time
import uuid
from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from accounts.sessions.registry import strategy_get, strategy_names
from tests.factories import PASSWORD, make_user
from tests.helpers.accounts import sign_in
from tests.helpers.jose import keys_generate, token_sign, token_state
from tests.helpers.redis import StoppableRedis, delete_prefixed_keys
from tests.helpers.servers import Servers
from tests.helpers.strategies import SessionStoreProbe, strategy_apply, strategy_cleanup
from tests.helpers.webauthn import site_authenticator


@pytest.fixture(autouse=True)
def _clean_redis():
    """Remove what a test wrote to Redis (this run's key prefix only)."""
    yield
    for alias in ("default", "sessions"):
        delete_prefixed_keys(
            settings.CACHES[alias]["LOCATION"], settings.REDIS_KEY_PREFIX
        )


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return make_user(username="alice", email="alice@example.com")


@pytest.fixture
def other_user(db):
    return make_user(username="bob", email="bob@example.com")


@pytest.fixture
def staff_user(db):
    return make_user(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def sessions_redis():
    """The raw Redis client of the session store, to assert on what is stored."""
    return get_redis_connection("sessions")


@pytest.fixture
def session_redis_key():
    """Map a session key to the Redis key that holds it."""

    def redis_key(session_key: str) -> str:
        prefix = import_module(settings.SESSION_ENGINE).SessionStore.cache_key_prefix
        return caches["sessions"].make_key(prefix + session_key)

    return redis_key


@pytest.fixture
def client_signed_in(client, user):
    response = sign_in(client, user.username)
    assert response.status_code == 302
    return client


@pytest.fixture
def stoppable_redis(settings, tmp_path):
    """Start a Redis this test may stop: ``stoppable_redis("sessions")`` makes a new
    real redis-server the store of the cache aliases named and returns it (its files
    under tmp_path; ``extra_args=[...]`` go to redis-server). Each one is stopped and
    removed after the test, and CACHES put back."""
    started = StoppableRedis(tmp_path / "stoppable-redis", settings)
    yield started
    started.close()


# --- Session strategies --------------------------------------------------------------


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """Extra real servers (Redis primary/replica/Sentinel, memcached), started lazily."""
    started = Servers(tmp_path_factory.mktemp("servers"))
    yield started
    started.stop()


@pytest.fixture
def use_strategy(settings, servers):
    """Switch this test to a session strategy: ``use_strategy(name, **context)``.

    ``context`` replaces fields of the strategy context (``redis_sessions_url``, ``env``,
    ``key_prefix``). With ``redis_sessions_url`` the test's own servers hold its sessions
    and nothing of the run's extra servers is cleaned up after it.
    """
    used = []

    def use(name: str, **context) -> str:
        strategy_apply(name, settings, servers, **context)
        if "redis_sessions_url" not in context:
            used.append(name)
        return name

    yield use
    for name in used:
        strategy_cleanup(name, servers)


@pytest.fixture(params=strategy_names())
def strategy(request, use_strategy, db):
    """Run the test under each session strategy of the registry, in turn."""
    return use_strategy(request.param)


@pytest.fixture(
    params=[name for name in strategy_names() if strategy_get(name).server_side]
)
def server_strategy(request, use_strategy, db):
    """Each strategy that keeps sessions on the server, in turn."""
    return use_strategy(request.param)


@pytest.fixture
def store():
    """Strategy-neutral questions about the session store (see SessionStoreProbe)."""
    return SessionStoreProbe()


# --- The API and its JSON Web Tokens -------------------------------------------------


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
def api_client_signed_in(api_client, tokens, bearer):
    """The API client, sending alice's access token with every request."""
    api_client.credentials(**bearer(tokens["access"]))
    return api_client


@pytest.fixture
def sign_in_too_old(settings):
    """Every sign-in is now too old for a change without re-authenticating."""
    settings.AUTHSITE_REAUTH_TIMEOUT = -1


@pytest.fixture
def authenticator():
    """A software passkey authenticator for this site, holding no passkey yet."""
    return site_authenticator()


@pytest.fixture
def key_pair(settings, tmp_path):
    """Switch the site to ``key_pair(algorithm)``: a key pair that `manage.py jwt_keys
    generate` made; returns its kid and the paths of its PEM files."""

    def key_pair(algorithm: str) -> dict:
        generated = keys_generate(tmp_path / algorithm.lower(), algorithm)
        settings.JWT_ALGORITHM = algorithm
        settings.JWT_SIGNING_KEY_FILE = str(generated["private"])
        settings.JWT_VERIFYING_KEY_FILES = []
        return generated

    return key_pair


@pytest.fixture
def rs256(key_pair):
    """The site on RS256 with a freshly generated key pair."""
    return key_pair("RS256")


@pytest.fixture
def claims(user):
    """Valid access-token claims for alice: ``claims(**overrides)``."""

    def claims(**overrides):
        now = time.time()
        return {
            "iss": settings.JWT_ISSUER,
            "aud": settings.JWT_AUDIENCE,
            "sub": str(user.pk),
            "exp": int(now) + 300,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "token_type": "access",
            **overrides,
        }

    return claims


@pytest.fixture
def forge(claims):
    """Sign claims (valid ones by default) with the site's key, or another key,
    algorithm or header: ``forge(payload=None, *, key=, algorithm=, headers=)``."""

    def forge(payload=None, **signing):
        return token_sign(claims() if payload is None else payload, **signing)

    return forge


@pytest.fixture
def accepted(api_client):
    def accepted(token: str) -> bool:
        response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code in (200, 401), response.content
        return response.status_code == 200

    return accepted


REFUSED_CODES = {
    "token_not_valid",
    "authentication_failed",
    "token_revoked",
    "user_not_found",
    "user_inactive",
}


@pytest.fixture
def refused(api_client, user):
    """Assert that Bearer use, verify and refresh (those of ``at``) all refuse ``token``
    with ``status`` (401 by default), and that nothing changes (see token_state)."""

    def refused(token: str, *, status: int = 401, at=("bearer", "verify", "refresh")):
        before = token_state(user)
        if "bearer" in at:
            me = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
            assert me.status_code == 401, me.content
            assert me.json()["code"] in REFUSED_CODES
        for where, path, field in (
            ("verify", "/api/auth/token/verify/", "token"),
            ("refresh", "/api/auth/token/refresh/", "refresh"),
        ):
            if where in at:
                response = api_client.post(path, {field: token}, format="json")
                assert response.status_code == status, (path, response.content)
                assert "access" not in response.json()
        assert token_state(user) == before

    return refused


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
