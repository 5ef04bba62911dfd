import pytest

from accounts.models import User
from tests.factories import PASSWORD, make_user

# Every flow runs under every session strategy of the registry.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("strategy")]


def test_profile_requires_sign_in(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_profile_saves_names_and_sends_a_new_email_to_be_confirmed(
    client_signed_in, user, mailoutbox
):
    response = client_signed_in.post(
        "/accounts/profile/",
        {
            "first_name": "Alice",
            "last_name": "Liddell",
            "email": "a.liddell@example.com",
            "current_password": PASSWORD,
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    # The names at once; the address only once the new one is confirmed.
    assert (user.first_name, user.last_name, user.email) == (
        "Alice",
        "Liddell",
        "alice@example.com",
    )
    assert [m.to for m in mailoutbox] == [["a.liddell@example.com"]]


def test_profile_refuses_another_users_email_in_any_case(client_signed_in, user):
    make_user(username="bob", email="bob@example.com")

    response = client_signed_in.post(
        "/accounts/profile/",
        {"first_name": "", "last_name": "", "email": "BOB@example.com"},
    )

    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_profile_ignores_privilege_fields(client_signed_in, user):
    client_signed_in.post(
        "/accounts/profile/",
        {
            "first_name": "A",
            "last_name": "B",
            "email": "alice@example.com",
            "is_staff": "on",
            "is_superuser": "on",
            "username": "root",
        },
    )

    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_superuser
    assert user.username == "alice"
    assert not User.objects.filter(username="root").exists()
