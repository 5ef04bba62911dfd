import pytest
from django_redis import get_redis_connection
from rest_framework.test import APIClient

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
