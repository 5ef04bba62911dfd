import pytest

from accounts.models import User
from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Secret-4471"


@pytest.fixture
def me(api_client, tokens, bearer):
    """Call /api/me/... with alice's access token."""

    def call(method, path="/api/me/", data=None, token=None):
        return getattr(api_client, method)(
            path, data, format="json", **bearer(token or tokens["access"])
        )

    return call


def test_patch_updates_the_profile(me, user):
    response = me("patch", data={"first_name": "Alice", "last_name": "Liddell"})

    assert response.status_code == 200
    assert response.json()["first_name"] == "Alice"
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Alice", "Liddell")


def test_get_after_patch_shows_the_change(me):
    me("patch", data={"email": "alice@wonderland.example"})

    assert me("get").json()["email"] == "alice@wonderland.example"


@pytest.mark.parametrize(
    "field",
    [
        {"is_staff": True},
        {"is_superuser": True},
        {"is_active": False},
        {"username": "mallory"},
        {"id": 999},
    ],
)
def test_patch_ignores_fields_that_are_not_the_users_to_change(me, user, field):
    response = me("patch", data=field)

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.username, user.is_staff, user.is_superuser, user.is_active) == (
        "alice",
        False,
        False,
        True,
    )


def test_patch_refuses_another_users_email(me, other_user):
    response = me("patch", data={"email": "BOB@example.com"})

    assert response.status_code == 400
    assert "email" in response.json()


def test_patch_refuses_a_bad_email(me, user):
    response = me("patch", data={"email": "not-an-email"})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_put_is_not_allowed(me):
    assert me("put", data={}).status_code == 405


def test_password_change_sets_the_new_password(me, user):
    response = me(
        "post",
        "/api/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_refuses_every_earlier_token(me, api_client, tokens):
    new_pair = me(
        "post",
        "/api/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    ).json()

    assert me("get").status_code == 401
    refreshed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401
    assert me("get", token=new_pair["access"]).status_code == 200


def test_password_change_ends_the_users_browser_sessions(me, client_signed_in):
    me(
        "post",
        "/api/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert "Signed in as alice" not in client_signed_in.get("/").text


def test_password_change_refuses_a_wrong_old_password(me, user):
    response = me(
        "post",
        "/api/me/password/",
        {"old_password": "wrong", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert "old_password" in response.json()
    assert me("get").status_code == 200


def test_password_change_applies_the_validators(me, user):
    response = me(
        "post", "/api/me/password/", {"old_password": PASSWORD, "new_password": "123"}
    )

    assert response.status_code == 400
    assert "new_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_html_password_change_refuses_earlier_tokens(me, client_signed_in):
    response = client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert me("get").status_code == 401
    # The browser that changed it stays signed in.
    assert "Signed in as alice" in client_signed_in.get("/").text


def test_deactivation_refuses_tokens_at_once(me, user):
    assert me("get").status_code == 200

    user.is_active = False
    user.save()

    response = me("get")
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_reactivation_does_not_revive_earlier_tokens(me, user):
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()

    assert me("get").status_code == 401


def test_deleted_users_token_is_401(me, user):
    me("get")  # warm the cache

    user.delete()

    assert me("get").status_code == 401


def test_delete_removes_the_user_and_ends_every_sign_in(
    me, user, tokens, obtain, client
):
    other = obtain().json()
    sign_in(client, "alice")

    response = me("delete")

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert me("get").status_code == 401
    assert me("get", token=other["access"]).status_code == 401
    assert "You are not signed in" in client.get("/").text
