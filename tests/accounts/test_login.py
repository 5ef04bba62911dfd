import pytest
from django.conf import settings

from tests.factories import PASSWORD
from tests.helpers.accounts import session_key_of, sign_in

# Every flow runs under every session strategy of the registry.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("strategy")]


def test_login_by_username_signs_in(client, user):
    response = sign_in(client, "alice")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_email_in_any_case_signs_in(client, user):
    response = sign_in(client, "ALICE@example.com")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_stores_the_session(client, user, store):
    sign_in(client, "alice")

    assert store.holds(session_key_of(client))


def test_login_renews_the_session_key(client, user, store):
    session = client.session  # an anonymous session exists before login
    session["probe"] = 1
    session.save()
    before = session.session_key

    sign_in(client, "alice")

    after = session_key_of(client)
    assert after != before
    assert store.lacks(before)
    assert store.holds(after)


def test_login_without_remember_me_sets_a_browser_session_cookie(client, user):
    sign_in(client, "alice")

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_login_with_remember_me_sets_a_lasting_cookie(client, user):
    sign_in(client, "alice", remember_me="on")

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_session_cookie_is_httponly_and_samesite_lax(client, user):
    sign_in(client, "alice")

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_wrong_password_and_unknown_user_get_the_same_answer(client, user):
    wrong_password = sign_in(client, "alice", "not-the-password")
    unknown_user = sign_in(client, "nobody", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client, user):
    user.is_active = False
    user.save()

    response = sign_in(client, "alice")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_oversized_password_is_refused_without_signing_in(client, user):
    response = sign_in(client, "alice", "x" * 5000)

    assert response.status_code == 200
    assert "at most 4096" in str(response.context["form"].errors["password"])


def test_login_page_labels_every_field(client):
    page = client.get("/accounts/login/").text

    for name in ("username", "password", "remember_me"):
        assert f'for="id_{name}"' in page


def test_login_follows_same_site_next(client, user):
    response = client.post(
        "/accounts/login/?next=/accounts/profile/",
        {"username": "alice", "password": PASSWORD},
    )

    assert response.headers["Location"] == "/accounts/profile/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "https:evil.example",
    ],
)
def test_login_refuses_off_site_next(client, user, target):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_form_requires_csrf_token(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, "alice")

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_backend_refuses_an_oversized_password_even_when_it_matches(user):
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import make_password

    long_password = "x" * 4097
    # An old PBKDF2 hash of an oversized password would verify if it were checked.
    user.password = make_password(long_password, hasher="pbkdf2_sha256")
    user.save()

    assert authenticate(username="alice", password=long_password) is None


def test_admin_login_refuses_an_oversized_password(client, staff_user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staff", "password": "x" * 5000}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
