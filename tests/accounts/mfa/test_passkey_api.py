"""`/api/me/mfa/passkeys/`: list, add (begin, then the credential), rename, remove."""

import pytest

from accounts.models import Authenticator

LIST = "/api/me/mfa/passkeys/"
BEGIN = "/api/me/mfa/passkeys/begin/"


def add(client, authenticator, **body):
    options = client.post(BEGIN, format="json").json()
    return client.post(
        LIST,
        {"credential": authenticator.create(options), **body},
        format="json",
    )


@pytest.fixture
def passkey(api_client_signed_in, authenticator):
    response = add(api_client_signed_in, authenticator, name="Laptop")
    assert response.status_code == 201, response.content
    return Authenticator.objects.get(pk=response.json()["id"])


def test_passkeys_need_a_token(api_client, db):
    response = api_client.get(LIST)
    assert response.status_code == 401


def test_begin_answers_creation_options_in_level_3_json(api_client_signed_in):
    options = api_client_signed_in.post(BEGIN, format="json").json()
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert isinstance(options["challenge"], str)


def test_added_passkey_is_listed(api_client_signed_in, passkey):
    listed = api_client_signed_in.get(LIST).json()
    assert [(p["id"], p["name"]) for p in listed] == [(passkey.pk, "Laptop")]


@pytest.mark.parametrize(
    "body",
    [{}, {"credential": "x"}, {"credential": [1]}, {"credential": {}, "name": 5}],
)
def test_malformed_add_is_400_and_changes_nothing(api_client_signed_in, body):
    api_client_signed_in.post(BEGIN, format="json")
    response = api_client_signed_in.post(LIST, body, format="json")
    assert response.status_code == 400
    assert not Authenticator.objects.exists()


def test_unverifiable_credential_is_400_with_a_code(api_client_signed_in):
    api_client_signed_in.post(BEGIN, format="json")
    response = api_client_signed_in.post(
        LIST, {"credential": {"id": "x"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "credential_invalid"


def test_replayed_registration_is_refused(api_client_signed_in, authenticator):
    options = api_client_signed_in.post(BEGIN, format="json").json()
    body = {"credential": authenticator.create(options)}
    assert api_client_signed_in.post(LIST, body, format="json").status_code == 201
    response = api_client_signed_in.post(LIST, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert Authenticator.objects.count() == 1


def test_challenge_of_another_user_is_refused(
    api_client_signed_in, authenticator, other_user, obtain, bearer
):
    options = api_client_signed_in.post(BEGIN, format="json").json()
    bob = obtain(username="bob").json()
    api_client_signed_in.credentials(**bearer(bob["access"]))
    response = api_client_signed_in.post(
        LIST, {"credential": authenticator.create(options)}, format="json"
    )
    assert response.json()["code"] == "challenge_invalid"


def test_rename(api_client_signed_in, passkey):
    response = api_client_signed_in.patch(
        f"{LIST}{passkey.pk}/", {"name": "Work"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Work"


def test_rename_to_blank_is_400(api_client_signed_in, passkey):
    response = api_client_signed_in.patch(
        f"{LIST}{passkey.pk}/", {"name": ""}, format="json"
    )
    assert response.status_code == 400
    passkey.refresh_from_db()
    assert passkey.name == "Laptop"


def test_remove(api_client_signed_in, passkey):
    assert api_client_signed_in.delete(f"{LIST}{passkey.pk}/").status_code == 204
    assert not Authenticator.objects.exists()
    response = api_client_signed_in.delete(f"{LIST}{passkey.pk}/")
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


def test_begin_needs_a_recent_sign_in(api_client_signed_in, sign_in_too_old):
    response = api_client_signed_in.post(BEGIN, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"


def test_removing_needs_a_recent_sign_in(
    api_client_signed_in, passkey, sign_in_too_old
):
    response = api_client_signed_in.delete(f"{LIST}{passkey.pk}/")
    assert response.status_code == 403
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


def test_listing_needs_no_recent_sign_in(
    api_client_signed_in, passkey, sign_in_too_old
):
    assert api_client_signed_in.get(LIST).status_code == 200
