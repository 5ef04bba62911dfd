"""A warm authenticated API call: no database query, one Redis command."""

import pytest
from django_redis import get_redis_connection

from accounts.models import User
from accounts.tokens import records

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


def test_a_change_while_the_user_is_being_cached_keeps_the_old_row_out(
    user,
):
    client = get_redis_connection("default")

    def load_then_change(user_id):
        stale = User.objects.get(pk=user_id)
        # Another request deactivates the user between this read and the write.
        fresh = User.objects.get(pk=user_id)
        fresh.is_active = False
        fresh.save()
        return stale

    data = records.snapshot_refill(
        client=client, user_id=user.pk, load=load_then_change
    )

    assert data["is_active"] == "True"  # this request saw the row it read...
    cached = client.hgetall(records.record_key(user.pk))
    assert cached == {b"forgotten": b"1"}  # ...but it was not cached


def test_changed_user_leaves_a_tombstone_that_reads_as_a_miss(
    api_client, user, tokens, bearer
):
    api_client.get("/api/me/", **bearer(tokens["access"]))
    user.last_name = "Liddell"
    user.save()

    client = get_redis_connection("default")
    assert client.hgetall(records.record_key(user.pk)) == {b"forgotten": b"1"}
    assert (
        api_client.get("/api/me/", **bearer(tokens["access"])).json()["last_name"]
        == "Liddell"
    )
