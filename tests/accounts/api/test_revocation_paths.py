"""Every way a password changes outside the API also refuses earlier tokens."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from accounts.models import User
from tests.accounts.test_password import reset_link
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "reset-Secret-5512"


def test_password_reset_refuses_earlier_tokens(
    client, user, tokens, api_client, bearer
):
    link = reset_link(client, "alice@example.com")
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401
    refreshed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401


def test_admin_setting_a_password_refuses_earlier_tokens(
    staff_user, user, tokens, api_client, bearer
):
    admin = Client()
    admin.force_login(staff_user)

    response = admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401


def test_admin_deactivating_a_user_refuses_their_tokens(
    staff_user, user, tokens, api_client, bearer
):
    api_client.get("/api/me/", **bearer(tokens["access"]))  # cached
    user.is_active = False
    user.save()  # what the admin's change form does

    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401


def test_a_hasher_upgrade_at_sign_in_does_not_revoke_tokens(
    user, tokens, api_client, bearer
):
    # Signing in with a hash from another hasher rehashes it: not a new password.
    User.objects.filter(pk=user.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    response = api_client.post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 200
