"""The admin: who has a second factor, and the action that resets them."""

import pytest
from django.core import mail

from accounts.models import Authenticator, AuthEvent
from tests.helpers.mfa import totp_code, totp_enable

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    secret, _ = totp_enable(staff_user)
    client.post(
        "/accounts/login/",
        {"username": "staff", "password": "correct-Horse-battery-9"},
    )
    response = client.post("/accounts/login/mfa/", {"code": totp_code(secret)})
    assert response.status_code == 302
    return client


def test_the_user_list_shows_and_filters_by_second_factor(
    staff_client, user, other_user
):
    totp_enable(user)

    with_factor = staff_client.get("/admin/accounts/user/?mfa=yes").content.decode()
    without = staff_client.get("/admin/accounts/user/?mfa=no").content.decode()

    assert "alice" in with_factor
    assert "bob" not in with_factor
    assert "bob" in without
    assert "alice" not in without


def test_the_user_page_lists_the_factors(staff_client, user):
    totp_enable(user)

    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()

    assert "authenticator app" in page
    assert "recovery codes" in page


def test_reset_second_factors_removes_them_logs_and_emails(staff_client, user):
    totp_enable(user)
    mail.outbox.clear()

    staff_client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factors", "_selected_action": [user.pk]},
    )

    assert not Authenticator.objects.filter(user=user).exists()
    assert AuthEvent.objects.filter(user=user, kind="factors_reset").exists()
    assert [m.to for m in mail.outbox] == [[user.email]]
