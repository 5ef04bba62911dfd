"""The API's second step (mfa_token and code) and the caller's own factors."""

import pytest
from django.conf import settings

from accounts.models import Authenticator, AuthEvent
from tests.helpers.jose import claims_of
from tests.helpers.mfa import totp_code, totp_enable

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(user):
    return totp_enable(user)


def second_step(api_client, mfa_token, code):
    return api_client.post(
        "/api/auth/token/mfa/", {"mfa_token": mfa_token, "code": code}, format="json"
    )


def test_a_password_alone_gets_tokens_saying_pwd(user, obtain):
    response = obtain()

    assert response.status_code == 200
    assert claims_of(response.json()["access"])["amr"] == ["pwd"]
    assert claims_of(response.json()["refresh"])["amr"] == ["pwd"]


def test_an_account_with_a_factor_gets_an_mfa_token_and_no_tokens(user, app, obtain):
    body = obtain().json()

    assert body["mfa_required"] is True
    assert body["methods"] == ["totp", "recovery_code"]
    assert body["mfa_token"]
    assert "access" not in body
    assert "refresh" not in body


def test_the_mfa_token_and_a_code_get_tokens_saying_otp_and_mfa(
    user, app, obtain, api_client
):
    secret, _ = app
    mfa_token = obtain().json()["mfa_token"]

    response = second_step(api_client, mfa_token, totp_code(secret))

    assert response.status_code == 200
    assert claims_of(response.json()["access"])["amr"] == ["pwd", "otp", "mfa"]


def test_a_refreshed_pair_keeps_the_amr(user, app, obtain, api_client):
    secret, _ = app
    pair = second_step(api_client, obtain().json()["mfa_token"], totp_code(secret))

    refreshed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": pair.json()["refresh"]}, format="json"
    )

    assert claims_of(refreshed.json()["access"])["amr"] == ["pwd", "otp", "mfa"]


def test_the_mfa_token_works_once(user, app, obtain, api_client):
    secret, _ = app
    mfa_token = obtain().json()["mfa_token"]
    second_step(api_client, mfa_token, totp_code(secret))

    again = second_step(api_client, mfa_token, totp_code(secret, steps=1))

    assert again.status_code == 401
    assert again.json()["code"] == "mfa_token_invalid"


def test_a_wrong_code_is_401_with_a_code(user, app, obtain, api_client):
    response = second_step(api_client, obtain().json()["mfa_token"], "000000")

    assert response.status_code == 401
    assert response.json()["code"] == "mfa_code_invalid"


def test_a_made_up_mfa_token_is_401(user, api_client):
    response = second_step(api_client, "not-a-token", "123456")

    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"


@pytest.mark.parametrize(
    "body",
    [{}, {"mfa_token": "x"}, {"code": "1"}, {"mfa_token": 5, "code": []}],
)
def test_malformed_input_is_400(api_client, body):
    response = api_client.post("/api/auth/token/mfa/", body, format="json")

    assert response.status_code == 400


def test_five_wrong_codes_end_the_mfa_token(user, app, obtain, api_client):
    secret, _ = app
    mfa_token = obtain().json()["mfa_token"]
    for _ in range(4):
        second_step(api_client, mfa_token, "000000")
    # The fifth wrong code also reaches the lockout limit: 429.
    second_step(api_client, mfa_token, "000000")

    response = second_step(api_client, mfa_token, totp_code(secret))

    assert response.status_code in (401, 429)
    assert "access" not in response.json()


def test_wrong_codes_count_towards_the_sign_in_lockout(user, app, obtain, api_client):
    mfa_token = obtain().json()["mfa_token"]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        second_step(api_client, mfa_token, "000000")

    last = second_step(api_client, mfa_token, "000000")

    assert last.status_code == 429
    assert obtain().status_code == 429


def test_a_recovery_code_gets_tokens(user, app, obtain, api_client):
    _, codes = app

    response = second_step(api_client, obtain().json()["mfa_token"], codes[3])

    assert claims_of(response.json()["access"])["amr"] == ["pwd", "otp", "mfa"]


def test_the_password_step_writes_no_sign_in_event(user, app, obtain):
    assert obtain().json()["mfa_required"] is True

    assert not AuthEvent.objects.filter(user=user, kind="login").exists()


def test_the_completed_second_step_writes_one_sign_in_event(
    user, app, obtain, api_client
):
    secret, _ = app
    mfa_token = obtain().json()["mfa_token"]

    api_client.post(
        "/api/auth/token/mfa/",
        {"mfa_token": mfa_token, "code": totp_code(secret)},
        format="json",
        REMOTE_ADDR="192.0.2.45",
    )

    [event] = AuthEvent.objects.filter(user=user, kind="login")
    assert event.method == "pwd otp mfa"
    assert event.ip == "192.0.2.45"


def test_a_wrong_code_writes_a_failed_attempt_and_no_sign_in(
    user, app, obtain, api_client
):
    second_step(api_client, obtain().json()["mfa_token"], "000000")

    kinds = list(AuthEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == ["login_failed"]


def test_me_mfa_lists_the_factors(user, tokens, app, api_client, bearer):
    response = api_client.get("/api/me/mfa/", **bearer(tokens["access"]))

    assert response.json() == {
        "totp": True,
        "recovery_codes_left": 10,
        "passkeys": 0,
        "methods": ["totp", "recovery_code"],
    }


@pytest.fixture
def fresh_tokens(user, obtain):
    """A pair for alice, who has no factor yet, just signed in."""
    return obtain().json()


def test_the_app_is_turned_on_through_the_api(user, fresh_tokens, api_client, bearer):
    import pyotp

    auth = bearer(fresh_tokens["access"])
    begun = api_client.post("/api/me/mfa/totp/", **auth).json()
    assert begun["uri"].startswith("otpauth://totp/")

    response = api_client.post(
        "/api/me/mfa/totp/confirm/",
        {"code": pyotp.TOTP(begun["secret"]).now()},
        format="json",
        **auth,
    )

    assert response.status_code == 200
    assert len(response.json()["recovery_codes"]) == 10
    assert Authenticator.objects.filter(user=user, kind="totp").exists()


def test_a_confirm_without_a_begin_is_400(user, fresh_tokens, api_client, bearer):
    response = api_client.post(
        "/api/me/mfa/totp/confirm/",
        {"code": "123456"},
        format="json",
        **bearer(fresh_tokens["access"]),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "mfa_enrolment_missing"


def test_a_wrong_confirming_code_is_400(user, fresh_tokens, api_client, bearer):
    auth = bearer(fresh_tokens["access"])
    api_client.post("/api/me/mfa/totp/", **auth)

    response = api_client.post(
        "/api/me/mfa/totp/confirm/", {"code": "000000"}, format="json", **auth
    )

    assert response.status_code == 400
    assert response.json()["code"] == "mfa_code_invalid"


def test_the_app_is_turned_off_through_the_api(user, app, obtain, api_client, bearer):
    secret, _ = app
    pair = second_step(api_client, obtain().json()["mfa_token"], totp_code(secret))

    response = api_client.delete("/api/me/mfa/totp/", **bearer(pair.json()["access"]))

    assert response.status_code == 204
    assert not Authenticator.objects.filter(user=user).exists()


def test_new_recovery_codes_through_the_api(user, app, obtain, api_client, bearer):
    secret, old = app
    pair = second_step(api_client, obtain().json()["mfa_token"], totp_code(secret))

    response = api_client.post(
        "/api/me/mfa/recovery-codes/", **bearer(pair.json()["access"])
    )

    assert len(response.json()["recovery_codes"]) == 10
    assert not set(response.json()["recovery_codes"]) & set(old)


def test_recovery_codes_without_a_factor_are_400(
    user, fresh_tokens, api_client, bearer
):
    response = api_client.post(
        "/api/me/mfa/recovery-codes/", **bearer(fresh_tokens["access"])
    )

    assert response.status_code == 400
    assert response.json()["code"] == "mfa_not_enabled"
