"""A warm authenticated API call: no database query, one Redis command."""

import pytest

pytestmark = pytest.mark.django_db


def test_warm_authenticated_call_makes_no_query_and_one_redis_command(
    api_client, tokens, bearer, django_assert_num_queries, redis_commands
):
    headers = bearer(tokens["access"])
    assert api_client.get("/api/me/", **headers).status_code == 200  # warms the cache

    before = redis_commands()
    with django_assert_num_queries(0):
        response = api_client.get("/api/me/", **headers)
    commands = redis_commands() - before

    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert commands == 1


def test_cold_call_reads_the_database_once_and_caches_the_user(
    api_client, tokens, bearer, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 200


def test_profile_change_is_seen_by_the_next_call(api_client, user, tokens, bearer):
    headers = bearer(tokens["access"])
    api_client.get("/api/me/", **headers)

    user.first_name = "Alicia"
    user.save()

    assert api_client.get("/api/me/", **headers).json()["first_name"] == "Alicia"
