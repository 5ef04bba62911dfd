"""Deleting one's account: after re-authentication and the username typed again,
every session and token of the user ends at once and the user row goes."""

import pytest
from django.test import Client

from accounts.models import AuthEvent, User
from tests.helpers.accounts import session_key_of, sign_in, sign_in_age

pytestmark = pytest.mark.django_db

DELETE = "/accounts/delete/"


def test_delete_page_asks_for_the_username(client_signed_in):
    response = client_signed_in.get(DELETE)

    assert response.status_code == 200
    assert 'name="username"' in response.text


def test_old_sign_in_is_sent_to_reauthenticate_first(client_signed_in):
    sign_in_age(client_signed_in, 10 * 60)

    response = client_signed_in.post(DELETE, {"username": "alice"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(username="alice").exists()


def test_wrong_username_deletes_nothing(client_signed_in):
    response = client_signed_in.post(DELETE, {"username": "Alice"})

    assert response.status_code == 200
    assert "exactly as it is shown" in response.text
    assert User.objects.filter(username="alice").exists()


def test_delete_needs_a_sign_in(client, user):
    response = client.post(DELETE, {"username": "alice"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert User.objects.filter(username="alice").exists()


@pytest.mark.usefixtures("strategy")
def test_deleting_ends_every_session_and_token_and_the_user(
    client_signed_in, user, store, obtain, api_client, bearer
):
    other = Client()
    sign_in(other, "alice")
    other_key = session_key_of(other)
    access = obtain().json()["access"]

    response = client_signed_in.post(DELETE, {"username": "alice"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not AuthEvent.objects.filter(user_id=user.pk).exists()
    assert "You are not signed in" in client_signed_in.get("/").text
    assert "You are not signed in" in other.get("/").text
    if store.server_side:
        assert store.lacks(other_key)
    assert api_client.get("/api/me/", **bearer(access)).status_code == 401


def test_profile_links_to_account_deletion(client_signed_in):
    assert DELETE in client_signed_in.get("/accounts/profile/").text
