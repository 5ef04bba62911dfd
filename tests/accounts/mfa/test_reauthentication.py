"""Changes to second factors need a recent re-authentication, in pages and the API:
a session or token taken from a user cannot turn their factors off or on."""

import time

import pytest

from accounts.models import Authenticator
from accounts.tokens import authenticated
from tests.helpers.accounts import sign_in, sign_in_age
from tests.helpers.jose import claims_of
from tests.helpers.mfa import totp_code, totp_enable

pytestmark = pytest.mark.django_db

STALE = 10 * 60


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/mfa/totp/", {"action": "disable"}),
        ("/accounts/mfa/recovery-codes/", {}),
    ],
)
def test_an_old_sign_in_is_sent_to_reauthenticate_and_changes_nothing(
    client, user, path, data
):
    secret, _ = totp_enable(user)
    sign_in(client, "alice")
    client.post("/accounts/login/mfa/", {"code": totp_code(secret)})
    before = list(
        Authenticator.objects.filter(user=user).values_list("data", flat=True)
    )
    sign_in_age(client, STALE)

    response = client.post(path, data)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/reauthenticate/")
    after = list(Authenticator.objects.filter(user=user).values_list("data", flat=True))
    assert after == before


def test_an_old_sign_in_cannot_begin_an_enrolment_page(client_signed_in):
    sign_in_age(client_signed_in, STALE)

    response = client_signed_in.get("/accounts/mfa/totp/")

    assert response.headers["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/me/mfa/totp/"),
        ("post", "/api/me/mfa/totp/confirm/"),
        ("delete", "/api/me/mfa/totp/"),
        ("post", "/api/me/mfa/recovery-codes/"),
    ],
)
def test_an_old_api_sign_in_gets_403_and_changes_nothing(
    user, tokens, api_client, bearer, method, path
):
    totp_enable(user)
    authenticated.family_authenticated(
        family=claims_of(tokens["access"])["fam"], at=time.time() - STALE
    )

    response = getattr(api_client, method)(
        path, {"code": "123456"}, format="json", **bearer(tokens["access"])
    )

    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    assert Authenticator.objects.filter(user=user, kind="totp").exists()


def test_the_admin_reset_asks_a_staff_member_to_reauthenticate(
    client, staff_user, user
):
    totp_enable(user)
    sign_in(client, "staff")
    sign_in_age(client, STALE)

    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factors", "_selected_action": [user.pk]},
    )

    assert response.headers["Location"].startswith("/accounts/reauthenticate/")
    assert Authenticator.objects.filter(user=user).exists()
