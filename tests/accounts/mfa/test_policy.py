"""AUTHSITE_MFA_REQUIRED sends covered users without a factor to /accounts/mfa/."""

import json

import pytest
from django.test import Client

from accounts.models import Authenticator
from tests.helpers.accounts import sign_in
from tests.helpers.mfa import totp_code, totp_enable
from tests.helpers.webauthn import SoftAuthenticator, passkey_add

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


# Every session of a covered user obeys the rule, whatever removed the last factor,
# also one signed in with that factor earlier: under a strategy that caches the user
# beside the session, one that reads it with the session row, and the tokens'.
STRATEGIES = ("redis", "db", "jwt")
PAGE = "/accounts/password/change/"


def signed_in_with_app(client, user) -> str:
    """Turn the app on for ``user`` and sign ``client`` in with it; warm the page."""
    secret, _ = totp_enable(user)
    sign_in(client, user.username)
    response = client.post("/accounts/login/mfa/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200
    return secret


@pytest.mark.parametrize("name", STRATEGIES)
def test_app_turned_off_through_the_api_sends_a_session_signed_in_with_it_to_enrol(
    name, use_strategy, settings, client, user, obtain, api_client, bearer
):
    use_strategy(name)
    settings.AUTHSITE_MFA_REQUIRED = "all"
    secret = signed_in_with_app(client, user)
    second_step = api_client.post(
        "/api/auth/token/mfa/",
        {"mfa_token": obtain().json()["mfa_token"], "code": totp_code(secret, steps=1)},
        format="json",
    )
    access = second_step.json()["access"]
    assert api_client.delete("/api/me/mfa/totp/", **bearer(access)).status_code == 204

    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/mfa/"


@pytest.mark.parametrize("name", STRATEGIES)
def test_factors_reset_by_staff_send_a_session_signed_in_with_one_to_enrol(
    name, use_strategy, settings, client, user, staff_user
):
    use_strategy(name)
    settings.AUTHSITE_MFA_REQUIRED = "all"
    signed_in_with_app(client, user)
    staff = Client()
    signed_in_with_app(staff, staff_user)
    staff.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factors", "_selected_action": [user.pk]},
    )
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/mfa/"


def test_passkey_removed_through_the_api_sends_the_session_signed_in_with_it_to_enrol(
    settings, client, user, tokens, api_client, bearer
):
    settings.AUTHSITE_MFA_REQUIRED = "all"
    # ``tokens``: a pair just obtained with the password, before the passkey.
    sign_in_with_passkey(client, passkey_add(user))
    assert client.get(PAGE).status_code == 200
    passkey = Authenticator.objects.get(user=user, kind=Authenticator.Kind.PASSKEY)
    removed = api_client.delete(
        f"/api/me/mfa/passkeys/{passkey.pk}/", **bearer(tokens["access"])
    )
    assert removed.status_code == 204

    assert client.get(PAGE).headers["Location"] == "/accounts/mfa/"


def sign_in_with_passkey(client, authenticator: SoftAuthenticator) -> None:
    """Sign ``client`` in with a passkey alone (no password, no "mfa" in its amr)."""
    options = client.post(
        "/accounts/login/passkey/begin/", "{}", content_type="application/json"
    ).json()
    response = client.post(
        "/accounts/login/passkey/complete/",
        json.dumps({"credential": authenticator.get(options)}),
        content_type="application/json",
    )
    assert response.status_code == 200


def test_a_covered_users_warm_page_with_a_passkey_reads_no_database_row(
    settings, client, user, django_assert_num_queries
):
    settings.AUTHSITE_MFA_REQUIRED = "all"
    sign_in_with_passkey(client, passkey_add(user))
    client.get(PAGE)
    client.get(PAGE)

    with django_assert_num_queries(0):
        response = client.get(PAGE)

    assert response.status_code == 200


def test_a_covered_users_warm_page_with_the_app_reads_no_database_row(
    settings, client, user, django_assert_num_queries
):
    settings.AUTHSITE_MFA_REQUIRED = "all"
    signed_in_with_app(client, user)

    with django_assert_num_queries(0):
        response = client.get(PAGE)

    assert response.status_code == 200
