"""Wrong current passwords are counted per user, apart from the sign-in lockout."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def change_password(client, old):
    return client.post(
        "/accounts/password/change/",
        {
            "old_password": old,
            "new_password1": "N3w-pass!x",
            "new_password2": "N3w-pass!x",
        },
    )


def test_the_password_change_form_refuses_after_the_limit_even_the_right_one(
    client_signed_in,
):
    for _ in range(LIMIT):
        change_password(client_signed_in, "wrong-password")

    response = change_password(client_signed_in, PASSWORD)

    assert response.status_code == 200
    assert "Too many wrong passwords" in response.text


def test_fewer_wrong_passwords_than_the_limit_still_let_the_change_through(
    client_signed_in,
):
    for _ in range(LIMIT - 1):
        change_password(client_signed_in, "wrong-password")

    assert change_password(client_signed_in, PASSWORD).status_code == 302


def test_the_profile_email_change_counts_wrong_passwords_too(client_signed_in):
    for _ in range(LIMIT):
        client_signed_in.post(
            "/accounts/profile/",
            {"email": "new@example.com", "current_password": "wrong-password"},
        )

    response = client_signed_in.post(
        "/accounts/profile/", {"email": "new@example.com", "current_password": PASSWORD}
    )

    assert "Too many wrong passwords" in response.text


def test_the_user_is_emailed_once_when_the_limit_is_reached(client_signed_in, user):
    for _ in range(LIMIT + 2):
        change_password(client_signed_in, "wrong-password")

    assert [m.to for m in mail.outbox] == [[user.email]]
    assert mail.outbox[0].subject == "Someone is trying to get into your account"
    assert "current password" in mail.outbox[0].body


def test_the_owner_can_still_sign_in_elsewhere(client_signed_in, user):
    for _ in range(LIMIT + 1):
        change_password(client_signed_in, "wrong-password")

    assert sign_in(Client(), "alice").status_code == 302


def test_the_api_answers_429_too_many_attempts(user):
    api = APIClient()
    access = api.post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    ).json()["access"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {access}"}

    def post(old):
        return api.post(
            "/api/me/password/",
            {"old_password": old, "new_password": "N3w-pass!x"},
            format="json",
            **auth,
        )

    wrong = [post("wrong-password").status_code for _ in range(LIMIT - 1)]
    response = post("wrong-password")
    after = post(PASSWORD)

    assert wrong == [400] * (LIMIT - 1)
    assert response.status_code == 429
    assert after.status_code == 429
    assert after.json()["code"] == "too_many_attempts"
    assert int(after["Retry-After"]) > 0
