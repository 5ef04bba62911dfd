"""Per-address limits on the sign-in forms (site and admin) and on password reset."""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_the_sign_in_form_is_throttled_per_address_across_usernames(client, settings):
    settings.AUTHSITE_LOGIN_FORM_RATE = "3/minute"
    answers = [
        client.post("/accounts/login/", {"username": f"u{n}", "password": "x"})
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "Too many attempts from your address" in answers[3].text
    assert int(answers[3]["Retry-After"]) > 0


def test_the_admin_sign_in_form_is_throttled_per_address(client, settings):
    settings.AUTHSITE_LOGIN_FORM_RATE = "2/minute"
    answers = [
        client.post("/admin/login/", {"username": f"u{n}", "password": "x"})
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many attempts from your address" in answers[2].text


def test_another_address_may_still_sign_in(client, settings):
    settings.AUTHSITE_LOGIN_FORM_RATE = "1/minute"
    client.post("/accounts/login/", {"username": "u", "password": "x"})

    other = client.post(
        "/accounts/login/", {"username": "u", "password": "x"}, REMOTE_ADDR="192.0.2.9"
    )

    assert other.status_code == 200


def reset(client, email, **extra):
    return client.post("/accounts/password/reset/", {"email": email}, **extra)


def test_password_reset_mails_one_address_at_most_the_limit(client, user, settings):
    settings.AUTHSITE_PASSWORD_RESET_ADDRESS_RATE = "2/hour"
    answers = [
        reset(client, "alice@example.com", REMOTE_ADDR=f"192.0.2.{n}") for n in range(4)
    ]

    assert len(mail.outbox) == 2
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password/reset/done/")
    }


def test_password_reset_is_throttled_per_client_address(
    client, user, other_user, settings
):
    settings.AUTHSITE_PASSWORD_RESET_RATE = "1/hour"
    first = reset(client, "alice@example.com")

    second = reset(client, "bob@example.com")

    assert len(mail.outbox) == 1
    assert (second.status_code, second["Location"]) == (
        first.status_code,
        first["Location"],
    )
