import pytest

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_admin_lists_users_for_staff(client, staff_user, user):
    sign_in(client, "staff")

    response = client.get("/admin/accounts/user/?q=alice")

    assert response.status_code == 200
    assert "alice@example.com" in response.text


def test_admin_refuses_signed_in_non_staff(client_signed_in):
    response = client_signed_in.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_admin_refuses_anonymous(client):
    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
