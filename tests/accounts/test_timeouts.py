import time

import pytest
from django.conf import settings

from accounts.sessions import timeouts
from tests.helpers.accounts import session_key_of, shift_session_clock

# Every flow runs under every session strategy of the registry.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("strategy")]


def test_session_past_the_idle_timeout_is_signed_out(client_signed_in, store):
    idle = settings.AUTHSITE_SESSION_IDLE_TIMEOUT
    shift_session_clock(client_signed_in, started_ago=idle + 10, seen_ago=idle + 1)
    key = session_key_of(client_signed_in)

    page = client_signed_in.get("/")

    assert "You are not signed in" in page.text
    assert store.lacks(key)


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


def test_page_view_within_a_minute_does_not_write_the_session(client_signed_in):
    response = client_signed_in.get("/")

    # Django's session middleware sends the cookie again whenever it saves.
    assert "Signed in as alice" in response.text
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_page_view_after_a_minute_renews_the_idle_clock(client_signed_in):
    shift_session_clock(client_signed_in, started_ago=600, seen_ago=61)

    client_signed_in.get("/")

    seen = client_signed_in.session[timeouts.SEEN_KEY]
    assert int(time.time()) - seen < 5


@pytest.mark.parametrize("strategy", ["redis"], indirect=True)
def test_redis_keeps_a_session_only_until_its_idle_timeout(
    strategy, client_signed_in, sessions_redis, session_redis_key
):
    key = session_redis_key(session_key_of(client_signed_in))

    ttl = sessions_redis.ttl(key)

    idle = settings.AUTHSITE_SESSION_IDLE_TIMEOUT
    assert idle - 60 < ttl <= idle
