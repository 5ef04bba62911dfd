"""cached_db with its cache down: a 503, never a read around the cache.

(Django's own cached_db swallows cache errors on read and on write, but happens to
raise on the next cache call in these paths; these tests pin the behaviour down.)
"""

import pytest

from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_db_on_own_redis(stoppable_redis, use_strategy):
    """The cached_db strategy with its cache on a Redis this test may stop."""
    server = stoppable_redis()
    use_strategy("cached_db", redis_sessions_url=server.url)
    return server


def test_cached_db_page_answers_503_when_its_cache_is_down(
    cached_db_on_own_redis, client, user
):
    sign_in(client, "alice")
    cached_db_on_own_redis.stop()

    response = client.get("/")

    assert response.status_code == 503
    assert "Sign-in is temporarily unavailable" in response.text


def test_cached_db_sign_in_answers_503_when_its_cache_is_down(
    cached_db_on_own_redis, client, user
):
    cached_db_on_own_redis.stop()

    response = sign_in(client, "alice")

    assert response.status_code == 503
