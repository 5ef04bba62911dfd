"""`/api/me/mfa/passkeys/`: list, add (begin, then the credential), rename, remove."""

import pytest

from accounts.mfa import passkeys
from accounts.models import Authenticator
from tests.helpers.webauthn import SoftAuthenticator

LIST = "/api/me/mfa/passkeys/"
BEGIN = "/api/me/mfa/passkeys/begin/"


@pytest.fixture
def authenticator():
    rp = passkeys.relying_party()
    return SoftAuthenticator(origin=rp.origin, rp_id=rp.id)


@pytest.fixture
def alice(api_client, tokens, bearer):
    api_client.credentials(**bearer(tokens["access"]))
    return api_client


def add(client, authenticator, **body):
    options = client.post(BEGIN, format="json").json()
    return client.post(
        LIST,
        {"credential": authenticator.create(options), **body},
        format="json",
    )


@pytest.fixture
def passkey(alice, authenticator):
    response = add(alice, authenticator, name="Laptop")
    assert response.status_code == 201, response.content
    return Authenticator.objects.get(pk=response.json()["id"])


def test_passkeys_need_a_token(api_client, db):
    response = api_client.get(LIST)
    assert response.status_code == 401


def test_begin_answers_creation_options_in_level_3_json(alice):
    options = alice.post(BEGIN, format="json").json()
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert isinstance(options["challenge"], str)


def test_added_passkey_is_listed(alice, passkey):
    listed = alice.get(LIST).json()
    assert [(p["id"], p["name"]) for p in listed] == [(passkey.pk, "Laptop")]


@pytest.mark.parametrize(
    "body",
    [{}, {"credential": "x"}, {"credential": [1]}, {"credential": {}, "name": 5}],
)
def test_malformed_add_is_400_and_changes_nothing(alice, body):
    alice.post(BEGIN, format="json")
    response = alice.post(LIST, body, format="json")
    assert response.status_code == 400
    assert not Authenticator.objects.exists()


def test_unverifiable_credential_is_400_with_a_code(alice):
    alice.post(BEGIN, format="json")
    response = alice.post(LIST, {"credential": {"id": "x"}}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "credential_invalid"


def test_replayed_registration_is_refused(alice, authenticator):
    options = alice.post(BEGIN, format="json").json()
    body = {"credential": authenticator.create(options)}
    assert alice.post(LIST, body, format="json").status_code == 201
    response = alice.post(LIST, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert Authenticator.objects.count() == 1


def test_challenge_of_another_user_is_refused(
    alice, authenticator, other_user, obtain, bearer
):
    options = alice.post(BEGIN, format="json").json()
    bob = obtain(username="bob").json()
    alice.credentials(**bearer(bob["access"]))
    response = alice.post(
        LIST, {"credential": authenticator.create(options)}, format="json"
    )
    assert response.json()["code"] == "challenge_invalid"


def test_rename(alice, passkey):
    response = alice.patch(f"{LIST}{passkey.pk}/", {"name": "Work"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Work"


def test_rename_to_blank_is_400(alice, passkey):
    response = alice.patch(f"{LIST}{passkey.pk}/", {"name": ""}, format="json")
    assert response.status_code == 400
    passkey.refresh_from_db()
    assert passkey.name == "Laptop"


def test_remove(alice, passkey):
    assert alice.delete(f"{LIST}{passkey.pk}/").status_code == 204
    assert not Authenticator.objects.exists()
    response = alice.delete(f"{LIST}{passkey.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_users_passkey_is_404(passkey, api_client, other_user, obtain, bearer):
    bob = obtain(username="bob").json()
    api_client.credentials(**bearer(bob["access"]))
    assert api_client.delete(f"{LIST}{passkey.pk}/").status_code == 404
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


def test_passkey_endpoints_are_in_the_schema(api_client, db):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {LIST, BEGIN, "/api/me/mfa/passkeys/{passkey_id}/"} <= set(schema["paths"])


@pytest.fixture
def stale(settings):
    """Every sign-in is now too old for a change without re-authenticating."""
    settings.AUTHSITE_REAUTH_TIMEOUT = -1


def test_begin_needs_a_recent_sign_in(alice, stale):
    response = alice.post(BEGIN, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"


def test_removing_needs_a_recent_sign_in(alice, passkey, stale):
    response = alice.delete(f"{LIST}{passkey.pk}/")
    assert response.status_code == 403
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


def test_listing_needs_no_recent_sign_in(alice, passkey, stale):
    assert alice.get(LIST).status_code == 200
