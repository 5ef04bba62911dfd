import logging

import pytest

from accounts.models import User
from authsite.embedded_redis import free_port
from tests.helpers.accounts import sign_in
from tests.helpers.live_site import manage_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_redis(stoppable_redis):
    """The session store, on a Redis this test may stop."""
    return stoppable_redis("sessions")


def test_signed_in_page_answers_503_when_redis_is_down(client, user, own_redis, caplog):
    sign_in(client, "alice")
    own_redis.stop()

    with caplog.at_level(logging.ERROR, logger="authsite.unavailable"):
        response = client.get("/")

    assert response.status_code == 503
    assert "Sign-in is temporarily unavailable" in response.text
    assert "Traceback" not in response.text
    assert len(caplog.records) == 1


def test_login_answers_503_when_redis_is_down_and_keeps_the_user(
    client, user, own_redis
):
    own_redis.stop()

    response = sign_in(client, "alice")

    assert response.status_code == 503
    assert User.objects.filter(username="alice").exists()


def test_anonymous_home_page_still_works_when_redis_is_down(client, own_redis):
    own_redis.stop()

    response = client.get("/")

    assert response.status_code == 200


def test_site_recovers_when_redis_comes_back(client, user, own_redis):
    own_redis.stop()
    assert sign_in(client, "alice").status_code == 503

    own_redis.start()
    response = sign_in(client, "alice")

    assert response.status_code == 302
    assert "Signed in as alice" in client.get("/").text


def test_check_fails_with_one_line_naming_the_redis_url():
    port = free_port()

    result = manage_check(REDIS_URL=f"redis://127.0.0.1:{port}/0")

    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "authsite.E001" in line]
    assert len(lines) == 1
    assert f"redis://127.0.0.1:{port}/0" in lines[0]
