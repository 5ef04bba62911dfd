"""AUTHSITE_MFA_REQUIRED sends covered users without a factor to /accounts/mfa/."""

import pytest

from tests.helpers.accounts import sign_in
from tests.helpers.mfa import totp_code, totp_enable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/accounts/profile/", "/admin/"])
def test_all_sends_a_user_without_a_factor_to_the_factors_page(
    settings, client, staff_user, path
):
    settings.AUTHSITE_MFA_REQUIRED = "all"
    sign_in(client, "staff")

    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/mfa/"


@pytest.mark.parametrize(
    "path", ["/accounts/mfa/", "/accounts/mfa/totp/", "/accounts/logout/"]
)
def test_the_enrolment_pages_and_sign_out_stay_open(settings, client_signed_in, path):
    settings.AUTHSITE_MFA_REQUIRED = "all"

    assert client_signed_in.get(path).status_code == 200


def test_staff_covers_staff_only(settings, client_signed_in):
    settings.AUTHSITE_MFA_REQUIRED = "staff"

    assert client_signed_in.get("/accounts/profile/").status_code == 200


def test_staff_sends_a_staff_member_to_the_factors_page(settings, client, staff_user):
    settings.AUTHSITE_MFA_REQUIRED = "staff"
    sign_in(client, "staff")

    assert client.get("/admin/").headers["Location"] == "/accounts/mfa/"


def test_none_sends_nobody(client_signed_in):
    assert client_signed_in.get("/accounts/profile/").status_code == 200


def test_a_user_with_a_factor_goes_anywhere(settings, client, user):
    settings.AUTHSITE_MFA_REQUIRED = "all"
    secret, _ = totp_enable(user)
    sign_in(client, "alice")
    client.post("/accounts/login/mfa/", {"code": totp_code(secret)})

    assert client.get("/accounts/profile/").status_code == 200


def test_an_unknown_policy_is_a_configuration_error(settings):
    from accounts.checks import check_mfa_required

    settings.AUTHSITE_MFA_REQUIRED = "sometimes"

    assert "AUTHSITE_MFA_REQUIRED='sometimes'" in check_mfa_required()[0].msg
