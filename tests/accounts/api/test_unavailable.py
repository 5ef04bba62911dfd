"""With Redis down: throttles and lockout fail closed (503), health says so, and token
authentication falls back to the database."""

import json
import logging

import pytest

from authsite.embedded_redis import free_port
from tests.factories import PASSWORD
from tests.helpers.live_site import fresh_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_redis(stoppable_redis):
    """The default cache (lockout, throttles, tokens), on a Redis this test may stop."""
    return stoppable_redis("default")


def test_health_is_200_when_everything_answers(api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_health_is_503_when_redis_is_down(api_client, default_redis):
    default_redis.stop()

    response = api_client.get("/api/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "redis": "unavailable",
    }


def test_token_endpoint_fails_closed_when_redis_is_down(
    user, obtain, default_redis, caplog
):
    default_redis.stop()

    with caplog.at_level(logging.ERROR, logger="authsite.unavailable"):
        response = obtain("alice", PASSWORD)

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert "access" not in response.json()
    assert len(caplog.records) == 1


def test_lockout_fails_closed_when_redis_is_down(user, obtain, default_redis, settings):
    # No throttle in the way: the lockout's own Redis read must refuse the sign-in.
    settings.AUTHSITE_API_THROTTLE_RATES = {"token": None}
    default_redis.stop()

    response = obtain("alice", PASSWORD)

    assert response.status_code == 503


def test_html_login_fails_closed_when_the_lockout_store_is_down(
    client, user, default_redis
):
    default_redis.stop()

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )

    assert response.status_code == 503
    assert "_auth_user_id" not in client.session


def test_register_fails_closed_when_redis_is_down(api_client, default_redis):
    default_redis.stop()

    response = api_client.post(
        "/api/auth/register/",
        {
            "username": "dave",
            "email": "dave@example.com",
            "password": "a-Long-pass-7821",
        },
        format="json",
    )

    assert response.status_code == 503


def test_token_authentication_falls_back_to_the_database(
    api_client, tokens, bearer, default_redis
):
    default_redis.stop()

    response = api_client.get("/api/me/", **bearer(tokens["access"]))

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_revocation_holds_while_redis_is_down(
    api_client, user, tokens, bearer, default_redis
):
    api_client.get("/api/me/", **bearer(tokens["access"]))  # cached in Redis
    user.is_active = False
    user.save()
    default_redis.stop()

    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401


DATABASE_DOWN_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
answers = {
    "health": client.get("/api/health/"),
    "token": client.post(
        "/api/auth/token/",
        {"username": "alice", "password": "x"},
        content_type="application/json",
    ),
}
print(json.dumps({k: [r.status_code, r.json()] for k, r in answers.items()}))
"""


def test_database_down_gives_json_503s():
    # A separate process whose DATABASE_URL points at a port where nothing listens.
    result = fresh_process(
        "-c",
        DATABASE_DOWN_PROBE,
        DJANGO_SETTINGS_MODULE="authsite.settings",
        DATABASE_URL=f"postgres://nobody@127.0.0.1:{free_port()}/nothing",
    )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["health"] == [
        503,
        {"status": "unavailable", "database": "unavailable", "redis": "ok"},
    ]
    assert answers["token"][0] == 503
    assert answers["token"][1]["code"] == "service_unavailable"


def test_503_is_explained_in_the_clients_language(user, obtain, default_redis):
    default_redis.stop()

    response = obtain("alice", PASSWORD, HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "세션 저장소를 일시적으로 사용할 수 없습니다.",
        "code": "service_unavailable",
    }
