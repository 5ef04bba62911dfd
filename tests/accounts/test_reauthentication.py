"""Re-authentication before sensitive pages: asked once the sign-in is older than
AUTHSITE_REAUTH_TIMEOUT, and the password again makes it fresh."""

from urllib.parse import quote

import pytest
from django.test import Client

from accounts import selectors
from tests.factories import PASSWORD
from tests.helpers.accounts import session_key_of, sign_in, sign_in_age

pytestmark = pytest.mark.django_db

STALE = 10 * 60  # past the default AUTHSITE_REAUTH_TIMEOUT (300 s)
REAUTH = "/accounts/reauthenticate/"


def _reauthenticate(client, password=PASSWORD, next_="/accounts/password/change/"):
    return client.post(REAUTH, {"password": password, "next": next_})


def test_fresh_sign_in_reaches_password_change_without_asking(client_signed_in):
    response = client_signed_in.get("/accounts/password/change/")

    assert response.status_code == 200


def test_old_sign_in_is_sent_to_reauthenticate_with_next(client_signed_in):
    sign_in_age(client_signed_in, STALE)

    response = client_signed_in.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"{REAUTH}?next={quote('/accounts/password/change/', safe='')}"
    )


def test_reauthenticating_lets_the_old_sign_in_through(client_signed_in):
    sign_in_age(client_signed_in, STALE)

    response = _reauthenticate(client_signed_in)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"
    assert client_signed_in.get("/accounts/password/change/").status_code == 200


def test_reauthentication_itself_grows_old(client_signed_in):
    sign_in_age(client_signed_in, STALE)
    _reauthenticate(client_signed_in)
    sign_in_age(client_signed_in, STALE)

    response = client_signed_in.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH)


def test_wrong_password_shows_an_error_and_lets_nothing_through(client_signed_in):
    sign_in_age(client_signed_in, STALE)

    response = _reauthenticate(client_signed_in, password="not-the-password")

    assert response.status_code == 200
    assert "entered incorrectly" in response.text
    assert client_signed_in.get("/accounts/password/change/").status_code == 302


def test_reauthenticate_page_always_shows_its_form(client_signed_in):
    response = client_signed_in.get(f"{REAUTH}?next=/accounts/password/change/")

    assert response.status_code == 200
    assert 'name="password"' in response.text
    assert 'value="/accounts/password/change/"' in response.text


def test_reauthenticate_ignores_a_next_on_another_site(client_signed_in):
    response = _reauthenticate(client_signed_in, next_="https://evil.example/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_reauthenticate_needs_a_sign_in(client):
    response = client.get(REAUTH)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wrong_passwords_count_in_the_current_password_limit_not_the_lockout(
    client_signed_in, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _reauthenticate(client_signed_in, password="not-the-password")

    response = _reauthenticate(client_signed_in)

    assert response.status_code == 200
    assert "Too many wrong passwords" in response.text
    # The sign-in form still lets the owner in: the limits are apart.
    assert sign_in(Client(), "alice").status_code == 302


def test_old_sign_in_cannot_change_the_password_by_posting(client_signed_in, user):
    sign_in_age(client_signed_in, STALE)

    response = client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-Brand-new-passphrase-7",
            "new_password2": "a-Brand-new-passphrase-7",
        },
    )

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_old_sign_in_cannot_end_the_other_sessions(client_signed_in, store):
    other = Client()
    sign_in(other, "alice")
    sign_in_age(client_signed_in, STALE)

    response = client_signed_in.post(
        "/accounts/sessions/revoke-others/",
        HTTP_REFERER="http://testserver/accounts/sessions/",
    )

    assert response.status_code == 302
    assert (
        response["Location"] == f"{REAUTH}?next={quote('/accounts/sessions/', safe='')}"
    )
    assert store.holds(session_key_of(other))


def test_old_sign_in_cannot_end_one_other_session(client_signed_in, store, user):
    other = Client()
    sign_in(other, "alice")
    sign_in_age(client_signed_in, STALE)
    other_id = next(
        s.id
        for s in selectors.sessions_for_user(
            user=user, current_session_key=session_key_of(client_signed_in)
        )
        if not s.current
    )

    response = client_signed_in.post(
        "/accounts/sessions/revoke/", {"session_id": other_id}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH)
    assert store.holds(session_key_of(other))


def test_sign_up_counts_as_a_fresh_authentication(client, db):
    client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "email": "carol@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert client.get("/accounts/password/change/").status_code == 200


@pytest.mark.usefixtures("strategy")
def test_reauthentication_works_under_every_strategy(client_signed_in):
    sign_in_age(client_signed_in, STALE)
    assert client_signed_in.get("/accounts/password/change/").status_code == 302

    _reauthenticate(client_signed_in)

    assert client_signed_in.get("/accounts/password/change/").status_code == 200
