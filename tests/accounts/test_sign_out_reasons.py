"""The sign-in page says why the server ended a session; the reason lives in the
session store under the ended session's key, never in a cookie."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from accounts.models import AuthEvent
from accounts.selectors import sessions_for_user
from accounts.sessions import end_reasons
from accounts.sessions.index import index_key_of
from tests.factories import PASSWORD
from tests.helpers.accounts import (
    session_key_of,
    shift_session_clock,
    signed_in_client,
)

pytestmark = pytest.mark.django_db


# The default strategy, and jwt, whose cookie is a token that names its sign-in only
# through its claims.
@pytest.fixture(autouse=True, params=["redis", "jwt"])
def reasons_strategy(request, use_strategy):
    return use_strategy(request.param)


# Under signed_cookies the server keeps no session and ends none from elsewhere: what
# can end one is a password changed elsewhere and a timeout.
signed_cookies_too = pytest.mark.parametrize(
    "reasons_strategy", ["redis", "jwt", "signed_cookies"], indirect=True
)


def sign_in_page_after(client: Client) -> str:
    """Open a signed-in page, follow the redirect to the sign-in page, return it."""
    response = client.get("/accounts/sessions/", follow=True)
    assert response.request["PATH_INFO"] == "/accounts/login/"
    return response.text


def revoke_from(client: Client, user, *, ip: str) -> None:
    [target] = [e for e in sessions_for_user(user=user) if e.ip == ip]
    client.post("/accounts/sessions/revoke/", {"session_id": target.id})


def test_session_ended_from_another_device_says_so(user):
    phone = signed_in_client(REMOTE_ADDR="198.51.100.7")
    laptop = signed_in_client()

    revoke_from(laptop, user, ip="198.51.100.7")

    assert "You were signed out from another device." in sign_in_page_after(phone)


def test_session_ended_by_staff_says_so(user, staff_user):
    phone = signed_in_client(REMOTE_ADDR="198.51.100.7")
    staff = signed_in_client("staff")
    [target] = sessions_for_user(user=user)

    staff.post(
        f"/admin/accounts/user/{user.pk}/sessions/revoke/", {"session_id": target.id}
    )

    assert "A staff member ended your session." in sign_in_page_after(phone)


@signed_cookies_too
def test_password_changed_elsewhere_says_so(user):
    phone = signed_in_client()
    laptop = signed_in_client()

    laptop.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh passphrase 2026",
            "new_password2": "a fresh passphrase 2026",
        },
    )

    assert "your password was changed on another device" in sign_in_page_after(phone)


@signed_cookies_too
def test_idle_timeout_says_so(user):
    client = signed_in_client()
    idle = settings.AUTHSITE_SESSION_IDLE_TIMEOUT
    shift_session_clock(client, started_ago=idle + 10, seen_ago=idle + 1)

    assert "after a while without activity" in sign_in_page_after(client)


@signed_cookies_too
def test_absolute_timeout_says_so(user):
    client = signed_in_client()
    shift_session_clock(
        client, started_ago=settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT + 1, seen_ago=5
    )

    assert "reached its longest allowed time" in sign_in_page_after(client)


def test_session_limit_says_so(user, settings):
    settings.AUTHSITE_MAX_SESSIONS_PER_USER = 1
    first = signed_in_client()

    signed_in_client()

    assert "more devices than the site allows" in sign_in_page_after(first)


@signed_cookies_too
def test_own_sign_out_shows_no_reason(user):
    client = signed_in_client()
    client.post("/accounts/logout/")

    page = client.get("/accounts/login/").text

    assert 'id="signed-out-reason"' not in page


def test_reason_is_kept_in_the_store_not_in_a_cookie(user):
    phone = signed_in_client(REMOTE_ADDR="198.51.100.7")
    ended_key = index_key_of(session_key_of(phone))
    revoke_from(signed_in_client(), user, ip="198.51.100.7")

    response = phone.get("/accounts/login/")

    assert end_reasons.reason_of(session_key=ended_key) == AuthEvent.Kind.REVOKE
    assert "signed-out-reason" in response.text
    cookies = " ".join(morsel.value for morsel in phone.cookies.values())
    assert AuthEvent.Kind.REVOKE not in cookies
    assert "another device" not in cookies


def test_reason_is_kept_with_a_time_to_live(user):
    phone = signed_in_client(REMOTE_ADDR="198.51.100.7")
    ended_key = index_key_of(session_key_of(phone))

    revoke_from(signed_in_client(), user, ip="198.51.100.7")

    ttl = caches["sessions"].ttl(end_reasons._key(ended_key))
    assert 0 < ttl <= end_reasons.REASON_TTL_SECONDS


def test_sign_in_page_says_nothing_once_the_reason_is_gone(user):
    phone = signed_in_client(REMOTE_ADDR="198.51.100.7")
    ended_key = index_key_of(session_key_of(phone))
    revoke_from(signed_in_client(), user, ip="198.51.100.7")

    end_reasons.reason_forget(session_key=ended_key)

    assert 'id="signed-out-reason"' not in phone.get("/accounts/login/").text


@pytest.mark.parametrize("reasons_strategy", ["signed_cookies"], indirect=True)
def test_signed_cookie_after_the_end_names_the_reason_and_holds_no_sign_in(user):
    phone = signed_in_client()
    ended_cookie = session_key_of(phone)
    laptop = signed_in_client()
    laptop.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh passphrase 2026",
            "new_password2": "a fresh passphrase 2026",
        },
    )

    phone.get("/accounts/sessions/")
    session = phone.session

    assert session_key_of(phone) != ended_cookie
    assert session.get("_auth_user_id") is None
    assert set(session.keys()) == {end_reasons.REFERENCE_SESSION_KEY}
    assert end_reasons.reason_of(session_key=ended_cookie) == (
        AuthEvent.Kind.PASSWORD_CHANGE
    )
