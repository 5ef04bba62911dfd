"""django-axes locks a (username, address) pair after repeated failed sign-ins."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django_redis import get_redis_connection

from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def fail_api(obtain, times, **extra):
    """Fail ``times`` times; the failure that reaches the limit is answered 429."""
    for n in range(1, times + 1):
        expected = 429 if n >= LIMIT else 401
        assert obtain("alice", "wrong-password", **extra).status_code == expected


def test_api_locks_after_repeated_failures_even_for_the_right_password(user, obtain):
    fail_api(obtain, LIMIT)

    response = obtain("alice", PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def test_fewer_failures_than_the_limit_do_not_lock(user, obtain):
    fail_api(obtain, LIMIT - 1)

    assert obtain("alice", PASSWORD).status_code == 200


def test_letter_case_of_the_username_does_not_escape_the_lock(user, obtain):
    for name in ["alice", "ALICE", "Alice", "aLiCe", "alicE"][:LIMIT]:
        obtain(name, "wrong-password")

    assert obtain("ALICE", PASSWORD).status_code == 429


def test_the_lock_holds_for_the_account_from_every_address(user, obtain):
    fail_api(obtain, LIMIT, REMOTE_ADDR="192.0.2.66")

    assert obtain("alice", PASSWORD, REMOTE_ADDR="192.0.2.66").status_code == 429
    assert obtain("alice", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 429


def test_the_username_and_the_email_share_one_counter(user, obtain):
    names = ["alice", "ALICE@example.com", "Alice", "alice@EXAMPLE.com", "alice"]
    for name in names[:LIMIT]:
        obtain(name, "wrong-password", REMOTE_ADDR=f"192.0.2.{len(name)}")

    assert obtain("alice@example.com", PASSWORD).status_code == 429


def test_an_unknown_name_locks_exactly_like_a_known_one(user, obtain):
    known = [obtain("alice", "wrong-password") for _ in range(LIMIT + 1)]
    unknown = [obtain("nobody", "wrong-password") for _ in range(LIMIT + 1)]

    assert [r.status_code for r in unknown] == [r.status_code for r in known]
    assert unknown[-1].json()["detail"] == known[-1].json()["detail"]


def test_another_account_is_not_locked_by_ones_failures(user, other_user, obtain):
    fail_api(obtain, LIMIT)

    assert obtain("bob", PASSWORD).status_code == 200


def test_changing_x_forwarded_for_does_not_escape_the_lock(user, obtain):
    for n in range(LIMIT):
        obtain("alice", "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = obtain("alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")

    assert response.status_code == 429


def test_a_trusted_proxy_count_makes_the_forwarded_address_count(
    user, obtain, settings
):
    settings.AUTHSITE_TRUSTED_PROXY_COUNT = 1
    fail_api(obtain, LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert (
        obtain("alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        == 429
    )


def test_html_form_shows_a_clear_message_while_locked(client, user):
    for _ in range(LIMIT):
        sign_in(client, "alice", "wrong-password")

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert "Retry-After" in response.headers
    assert "_auth_user_id" not in client.session


def test_form_api_and_admin_failures_count_together(client, user, obtain):
    per_channel = -(-LIMIT // 3)
    for _ in range(per_channel):
        sign_in(client, "alice", "wrong-password")
        obtain("alice", "wrong-password")
        client.post(
            "/admin/login/", {"username": "alice", "password": "wrong-password"}
        )

    assert obtain("alice", PASSWORD).status_code == 429
    assert sign_in(client, "alice", PASSWORD).status_code == 429


def test_admin_login_is_locked_too(client, staff_user):
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "staff", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "staff", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text


def test_the_lock_is_a_redis_key_that_expires_with_the_cool_off(user, obtain):
    fail_api(obtain, LIMIT)

    redis = get_redis_connection("default")
    keys = [k for k in redis.scan_iter(match=f"{settings.REDIS_KEY_PREFIX}*axes*")]
    assert keys
    assert all(0 < redis.ttl(key) <= 15 * 60 for key in keys)


def test_the_lock_expires_by_itself(user, obtain, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    fail_api(obtain, LIMIT)
    assert obtain("alice", PASSWORD).status_code == 429

    time.sleep(2.1)

    assert obtain("alice", PASSWORD).status_code == 200


def test_a_good_api_sign_in_clears_the_failure_count(user, obtain):
    fail_api(obtain, LIMIT - 1)
    assert obtain("alice", PASSWORD).status_code == 200

    fail_api(obtain, LIMIT - 1)

    assert obtain("alice", PASSWORD).status_code == 200


def test_rotating_ipv6_addresses_inside_one_64_does_not_escape_the_lock(user, obtain):
    for n in range(LIMIT):
        obtain("alice", "wrong-password", REMOTE_ADDR=f"2001:db8:5:6::{n + 1:x}")

    response = obtain("alice", PASSWORD, REMOTE_ADDR="2001:db8:5:6:ffff::9")

    assert response.status_code == 429
