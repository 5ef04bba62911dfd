from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection

from accounts.sessions.registry import strategy_get, strategy_names
from tests.factories import PASSWORD, make_user
from tests.servers import Servers
from tests.services import delete_prefixed_keys
from tests.strategies import SessionStoreProbe, strategy_apply, strategy_cleanup


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


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}
    )


@pytest.fixture
def client_signed_in(client, user):
    response = sign_in(client, user.username)
    assert response.status_code == 302
    return client


@pytest.fixture(scope="session")
def servers():
    """Extra real servers (Redis primary/replica/Sentinel, memcached), started lazily."""
    started = Servers()
    yield started
    started.stop()


@pytest.fixture(params=strategy_names())
def strategy(request, settings, servers, db):
    """Run the test under each session strategy of the registry, in turn."""
    strategy_apply(request.param, settings, servers)
    yield request.param
    strategy_cleanup(request.param, servers)


@pytest.fixture(
    params=[name for name in strategy_names() if strategy_get(name).server_side]
)
def server_strategy(request, settings, servers, db):
    """Each strategy that keeps sessions on the server, in turn."""
    strategy_apply(request.param, settings, servers)
    yield request.param
    strategy_cleanup(request.param, servers)


@pytest.fixture
def store():
    """Strategy-neutral questions about the session store (see SessionStoreProbe)."""
    return SessionStoreProbe()


def session_key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value
