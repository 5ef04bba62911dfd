"""A passkey as the second step after a right password: on the pages
(/accounts/login/mfa/) and in the API (mfa_token and a WebAuthn assertion)."""

import json

import pytest

from accounts.models import AuthEvent
from tests.helpers.accounts import sign_in
from tests.helpers.jose import claims_of
from tests.helpers.mfa import totp_enable
from tests.helpers.webauthn import b64url, passkey_add

BEGIN = "/accounts/login/passkey/second-step/begin/"
COMPLETE = "/accounts/login/passkey/second-step/complete/"
API_BEGIN = "/api/auth/token/mfa/passkey/"
API_COMPLETE = "/api/auth/token/mfa/"


@pytest.fixture
def registered_authenticator(user):
    return passkey_add(user)


def post_json(client, url, body=None):
    return client.post(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


def passkey_step(client, registered_authenticator):
    options = post_json(client, BEGIN).json()
    return post_json(
        client, COMPLETE, {"credential": registered_authenticator.get(options)}
    )


def test_password_of_an_account_with_a_passkey_leads_to_the_second_step(
    client, user, registered_authenticator
):
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/mfa/"
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/login/mfa/")
    assert "Use a passkey" in page.text
    # No app: no code field to fill.
    assert 'name="code"' not in page.text


def test_second_step_offers_only_the_accounts_passkeys(
    client, user, registered_authenticator
):
    sign_in(client, user.username)
    options = post_json(client, BEGIN).json()
    assert len(options["allowCredentials"]) == 1
    assert options["userVerification"] == "required"


def test_passkey_completes_the_second_step(client, user, registered_authenticator):
    sign_in(client, user.username)
    response = passkey_step(client, registered_authenticator)
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)
    event = AuthEvent.objects.filter(user=user, kind=AuthEvent.Kind.LOGIN).latest("pk")
    assert event.method == "pwd hwk user mfa"


def test_second_step_with_a_passkey_works_beside_an_app(
    client, user, registered_authenticator
):
    totp_enable(user)
    sign_in(client, user.username)
    assert 'name="code"' in client.get("/accounts/login/mfa/").text
    assert passkey_step(client, registered_authenticator).status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)


def test_second_step_needs_a_right_password_first(
    client, user, registered_authenticator
):
    response = post_json(client, BEGIN)
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_sign_in_ended"
    response = post_json(client, COMPLETE, {"credential": {}})
    assert response.status_code == 401


def test_replayed_second_step_is_refused(client, user, registered_authenticator):
    sign_in(client, user.username)
    options = post_json(client, BEGIN).json()
    credential = registered_authenticator.get(options)
    assert post_json(client, COMPLETE, {"credential": credential}).status_code == 200
    client.logout()
    sign_in(client, user.username)
    response = post_json(client, COMPLETE, {"credential": credential})
    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert "_auth_user_id" not in client.session


def test_another_accounts_passkey_does_not_complete_the_step(
    client, user, other_user, registered_authenticator
):
    strangers = passkey_add(other_user)
    sign_in(client, user.username)
    options = post_json(client, BEGIN).json()
    response = post_json(client, COMPLETE, {"credential": strangers.get(options)})
    assert response.status_code == 400
    assert response.json()["code"] == "credential_unknown"
    assert "_auth_user_id" not in client.session


def test_api_lists_the_passkey_among_the_methods(
    user, registered_authenticator, obtain
):
    body = obtain().json()
    assert body["mfa_required"] is True
    assert "passkey" in body["methods"]


def api_passkey_step(api_client, obtain, registered_authenticator):
    mfa_token = obtain().json()["mfa_token"]
    options = api_client.post(API_BEGIN, {"mfa_token": mfa_token}, format="json")
    assert options.status_code == 200, options.content
    credential = registered_authenticator.get(options.json())
    return (
        mfa_token,
        credential,
        api_client.post(
            API_COMPLETE,
            {"mfa_token": mfa_token, "credential": credential},
            format="json",
        ),
    )


def test_api_passkey_step_answers_tokens_saying_how(
    user, registered_authenticator, obtain, api_client
):
    _, _, response = api_passkey_step(api_client, obtain, registered_authenticator)
    assert response.status_code == 200
    assert claims_of(response.json()["access"])["amr"] == ["pwd", "hwk", "user", "mfa"]


def test_api_passkey_step_writes_one_sign_in_event_saying_how(
    user, registered_authenticator, obtain, api_client
):
    api_passkey_step(api_client, obtain, registered_authenticator)

    [event] = AuthEvent.objects.filter(user=user, kind=AuthEvent.Kind.LOGIN)
    assert event.method == "pwd hwk user mfa"


def test_api_synced_passkey_says_swk(user, obtain, api_client):
    synced = passkey_add(user, backup_eligible=True)
    _, _, response = api_passkey_step(api_client, obtain, synced)
    assert claims_of(response.json()["access"])["amr"] == ["pwd", "swk", "user", "mfa"]


def test_api_replayed_passkey_step_is_refused(
    user, registered_authenticator, obtain, api_client
):
    mfa_token, credential, _ = api_passkey_step(
        api_client, obtain, registered_authenticator
    )
    response = api_client.post(
        API_COMPLETE, {"mfa_token": mfa_token, "credential": credential}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"


def test_api_assertion_needs_its_own_options(
    user, registered_authenticator, obtain, api_client
):
    mfa_token = obtain().json()["mfa_token"]
    # Options asked for with another mfa_token: this one has no challenge.
    other = obtain().json()["mfa_token"]
    options = api_client.post(API_BEGIN, {"mfa_token": other}, format="json").json()
    response = api_client.post(
        API_COMPLETE,
        {"mfa_token": mfa_token, "credential": registered_authenticator.get(options)},
        format="json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "challenge_invalid"


@pytest.mark.parametrize(
    "body",
    [
        {"code": "123456", "credential": {}},
        {},
        {"credential": "x"},
    ],
)
def test_api_second_step_wants_a_code_or_a_credential(
    user, registered_authenticator, obtain, api_client, body
):
    mfa_token = obtain().json()["mfa_token"]
    response = api_client.post(
        API_COMPLETE, {"mfa_token": mfa_token, **body}, format="json"
    )
    assert response.status_code == 400


def test_api_garbage_assertion_is_401_with_a_code(
    user, registered_authenticator, obtain, api_client
):
    mfa_token = obtain().json()["mfa_token"]
    api_client.post(API_BEGIN, {"mfa_token": mfa_token}, format="json")
    known = b64url(registered_authenticator.credential_id)
    response = api_client.post(
        API_COMPLETE,
        {"mfa_token": mfa_token, "credential": {"rawId": known, "response": {}}},
        format="json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "credential_invalid"


def test_api_options_need_a_live_mfa_token(api_client, db):
    response = api_client.post(API_BEGIN, {"mfa_token": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"
