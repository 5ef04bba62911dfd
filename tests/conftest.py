import pytest
from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection

from tests.factories import PASSWORD, make_user
from tests.services import delete_prefixed_keys

SESSION_CACHE_PREFIX = "django.contrib.sessions.cache"


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
        return caches["sessions"].make_key(SESSION_CACHE_PREFIX + session_key)

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
