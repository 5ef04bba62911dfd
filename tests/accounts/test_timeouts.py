import time

import pytest
from django.conf import settings

from accounts.sessions import timeouts

pytestmark = pytest.mark.django_db


def shift_session_clock(client, *, started_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[timeouts.STARTED_KEY] = now - started_ago
    session[timeouts.SEEN_KEY] = now - seen_ago
    session.save()


def test_session_past_the_idle_timeout_is_signed_out(
    client_signed_in, sessions_redis, session_redis_key
):
    idle = settings.AUTHSITE_SESSION_IDLE_TIMEOUT
    shift_session_clock(client_signed_in, started_ago=idle + 10, seen_ago=idle + 1)
    key = session_redis_key(client_signed_in.session.session_key)

    page = client_signed_in.get("/")

    assert "You are not signed in" in page.text
    assert not sessions_redis.exists(key)


def test_session_past_the_absolute_timeout_is_signed_out_even_when_active(
    client_signed_in,
):
    absolute = settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT
    shift_session_clock(client_signed_in, started_ago=absolute + 1, seen_ago=5)

    page = client_signed_in.get("/")

    assert "You are not signed in" in page.text


def test_session_within_both_timeouts_stays_signed_in(client_signed_in):
    shift_session_clock(client_signed_in, started_ago=3600, seen_ago=120)

    page = client_signed_in.get("/")

    assert "Signed in as alice" in page.text


def test_page_view_within_a_minute_does_not_write_the_session(
    client_signed_in, sessions_redis, session_redis_key
):
    key = session_redis_key(client_signed_in.session.session_key)
    ttl_before = sessions_redis.pttl(key)
    time.sleep(0.05)

    client_signed_in.get("/")

    # A write would have reset the expiry to its full length.
    assert sessions_redis.pttl(key) < ttl_before


def test_page_view_after_a_minute_renews_the_idle_clock(client_signed_in):
    shift_session_clock(client_signed_in, started_ago=600, seen_ago=61)

    client_signed_in.get("/")

    seen = client_signed_in.session[timeouts.SEEN_KEY]
    assert int(time.time()) - seen < 5
