"""A token sign-in is in the user's activity as a browser's is: one "signed in" row
with how, from where and on what; a wrong password is a failed attempt."""

import pytest

from accounts.models import AuthEvent
from accounts.selectors import sessions_for_user

pytestmark = pytest.mark.django_db

CURL = "curl/8.5.0"


def test_a_token_sign_in_writes_one_sign_in_event(user, obtain):
    response = obtain(REMOTE_ADDR="192.0.2.44", HTTP_USER_AGENT=CURL)

    assert response.status_code == 200
    [event] = AuthEvent.objects.filter(user=user)
    assert event.kind == AuthEvent.Kind.LOGIN
    assert event.method == "pwd"
    assert event.ip == "192.0.2.44"
    assert event.device == "curl 8"


def test_a_token_sign_in_is_shown_in_the_activity(user, obtain, client_signed_in):
    obtain(REMOTE_ADDR="192.0.2.44")

    page = client_signed_in.get("/accounts/sessions/").text

    activity = page[page.index("Recent activity") :]
    assert activity.count("Signed in") == 2
    assert "192.0.2.44" in activity


@pytest.mark.parametrize("strategy", ["jwt"], indirect=True)
def test_under_jwt_the_event_names_the_token_sign_in_of_the_list(
    strategy, user, obtain
):
    obtain()

    [entry] = sessions_for_user(user=user)
    assert AuthEvent.objects.get(user=user, kind="login").session_id == entry.id


def test_a_wrong_password_writes_a_failed_attempt_and_no_sign_in(user, obtain):
    response = obtain(password="wrong", REMOTE_ADDR="198.51.100.66")

    assert response.status_code == 401
    [event] = AuthEvent.objects.filter(user=user)
    assert event.kind == AuthEvent.Kind.LOGIN_FAILED
    assert event.ip == "198.51.100.66"
