"""The second step of a browser sign-in: /accounts/login/ then /accounts/login/mfa/."""

import pytest
from django.conf import settings

from accounts.mfa.sign_in import PENDING_SESSION_KEY
from accounts.models import AuthEvent
from tests.helpers.accounts import session_key_of, sign_in
from tests.helpers.mfa import totp_code, totp_enable

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(user):
    secret, codes = totp_enable(user)
    return secret, codes


def second_step(client, code):
    return client.post("/accounts/login/mfa/", {"code": code})


def signed_in(client) -> bool:
    return client.get("/accounts/profile/").status_code == 200


def test_a_right_password_leads_to_the_second_step_not_in(client, user, app):
    response = sign_in(client, "alice")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/mfa/"
    assert not signed_in(client)


def test_a_current_code_signs_in_and_renews_the_session_key(client, user, app):
    secret, _ = app
    sign_in(client, "alice")
    half_key = session_key_of(client)

    response = second_step(client, totp_code(secret))

    assert response.status_code == 302
    assert signed_in(client)
    assert session_key_of(client) != half_key


def test_the_second_step_goes_to_next(client, user, app):
    secret, _ = app
    client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": "correct-Horse-battery-9",
            "next": "/accounts/sessions/",
        },
    )

    response = second_step(client, totp_code(secret))

    assert response.headers["Location"] == "/accounts/sessions/"


def test_a_code_from_the_next_step_is_accepted(client, user, app):
    secret, _ = app
    sign_in(client, "alice")

    assert second_step(client, totp_code(secret, steps=1)).status_code == 302
    assert signed_in(client)


def test_a_code_used_once_is_refused_the_second_time(client, user, app):
    secret, _ = app
    code = totp_code(secret)
    sign_in(client, "alice")
    second_step(client, code)
    client.post("/accounts/logout/")

    sign_in(client, "alice")
    response = second_step(client, code)

    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert not signed_in(client)


def test_a_wrong_code_is_a_form_error_and_counts_as_a_failed_sign_in(client, user, app):
    sign_in(client, "alice")

    response = second_step(client, "000000")

    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert AuthEvent.objects.filter(user=user, kind="login_failed").count() == 1


def test_five_wrong_codes_end_the_second_step(settings, client, user, app):
    # Past the count that ends the step, not the lockout's (that has its own test).
    settings.AXES_FAILURE_LIMIT = 10
    secret, _ = app
    sign_in(client, "alice")
    for _ in range(4):
        second_step(client, "000000")

    last = second_step(client, "000000")
    after = second_step(client, totp_code(secret))

    assert last.headers["Location"] == "/accounts/login/"
    assert after.headers["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_wrong_codes_count_towards_the_sign_in_lockout(client, user, app):
    sign_in(client, "alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        second_step(client, "000000")

    # The password is right, but the account is locked now from this address.
    response = second_step(client, "000000")
    again = sign_in(client, "alice")

    assert response.status_code == 429
    assert again.status_code == 429


def test_the_second_step_ends_after_five_minutes(client, user, app):
    secret, _ = app
    sign_in(client, "alice")
    session = client.session
    session[PENDING_SESSION_KEY] = {**session[PENDING_SESSION_KEY], "at": 1}
    session.save()

    response = second_step(client, totp_code(secret))

    assert response.headers["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_the_second_step_is_bound_to_the_browser(client, user, app):
    from django.test import Client

    secret, _ = app
    sign_in(client, "alice")
    other = Client()

    response = second_step(other, totp_code(secret))

    assert response.headers["Location"] == "/accounts/login/"
    assert not signed_in(other)


def test_a_recovery_code_signs_in_once(client, user, app):
    _, codes = app
    sign_in(client, "alice")
    assert second_step(client, codes[0].lower()).status_code == 302
    client.post("/accounts/logout/")

    sign_in(client, "alice")
    response = second_step(client, codes[0])

    assert response.status_code == 200
    assert not signed_in(client)


def test_the_second_step_without_a_password_first_goes_to_sign_in(client, user, app):
    secret, _ = app

    response = second_step(client, totp_code(secret))

    assert response.headers["Location"] == "/accounts/login/"


def test_a_user_without_a_factor_signs_in_with_the_password_alone(client, user):
    response = sign_in(client, "alice")

    assert response.headers["Location"] == "/"
    assert signed_in(client)


def test_the_sessions_page_and_the_event_log_say_how_a_session_signed_in(
    client, user, app
):
    secret, _ = app
    sign_in(client, "alice")
    second_step(client, totp_code(secret))

    page = client.get("/accounts/sessions/").content.decode()

    assert "password + authenticator app" in page
    event = AuthEvent.objects.get(user=user, kind="login")
    assert event.method == "pwd otp mfa"


def test_a_password_sign_in_is_shown_as_password(client, user):
    sign_in(client, "alice")

    page = client.get("/accounts/sessions/").content.decode()

    assert "signed in with password" in page
    assert AuthEvent.objects.get(user=user, kind="login").method == "pwd"


def test_the_admin_sign_in_asks_for_the_second_factor(client, staff_user):
    secret, _ = totp_enable(staff_user)

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": "correct-Horse-battery-9", "next": "/admin/"},
    )

    assert response.headers["Location"] == "/accounts/login/mfa/"
    assert client.get("/admin/").status_code == 302
    done = second_step(client, totp_code(secret))
    assert done.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
