"""The passkey pages and their JSON endpoints, with a software authenticator."""

import json

import pytest
from django.test import Client

from accounts.mfa import passkeys
from accounts.models import Authenticator, AuthEvent

BEGIN = "/accounts/mfa/passkeys/register/begin/"
COMPLETE = "/accounts/mfa/passkeys/register/complete/"
SIGN_IN_BEGIN = "/accounts/login/passkey/begin/"
SIGN_IN_COMPLETE = "/accounts/login/passkey/complete/"


def post_json(client, url, body=None, raw=None):
    return client.post(
        url,
        data=raw if raw is not None else json.dumps(body or {}),
        content_type="application/json",
    )


@pytest.fixture
def visitor():
    """A visitor that is not signed in (``client`` is the one ``with_passkey`` signs
    in)."""
    return Client()


def add_passkey(client, authenticator, name="Laptop"):
    options = post_json(client, BEGIN).json()
    return post_json(
        client, COMPLETE, {"name": name, "credential": authenticator.create(options)}
    )


@pytest.fixture
def with_passkey(client_signed_in, authenticator):
    response = add_passkey(client_signed_in, authenticator)
    assert response.status_code == 201, response.content
    return Authenticator.objects.get(kind=Authenticator.Kind.PASSKEY)


def test_page_lists_passkeys_by_name_with_last_use(client_signed_in, with_passkey):
    response = client_signed_in.get("/accounts/mfa/passkeys/")
    assert response.status_code == 200
    assert 'value="Laptop"' in response.text
    assert "Never" in response.text


def test_page_needs_a_signed_in_user(client):
    response = client.get("/accounts/mfa/passkeys/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_registration_needs_a_signed_in_user(client):
    response = post_json(client, BEGIN)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_registration_options_are_json(client_signed_in):
    response = post_json(client_signed_in, BEGIN)
    assert response.status_code == 200
    assert response.json()["rp"]["id"] == passkeys.relying_party().id


def test_added_passkey_is_kept_with_its_name(client_signed_in, authenticator, user):
    response = add_passkey(client_signed_in, authenticator, name="  Phone ")
    assert response.status_code == 201
    assert response.json() == {"redirect": "/accounts/mfa/passkeys/"}
    passkey = Authenticator.objects.get()
    assert (passkey.user, passkey.name) == (user, "Phone")


@pytest.mark.parametrize("raw", ["not json", "[1]", '{"name": 5}'])
def test_malformed_registration_is_400_and_changes_nothing(client_signed_in, raw):
    post_json(client_signed_in, BEGIN)
    response = post_json(client_signed_in, COMPLETE, raw=raw)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Authenticator.objects.exists()


def test_garbage_credential_is_400_and_changes_nothing(client_signed_in):
    post_json(client_signed_in, BEGIN)
    response = post_json(client_signed_in, COMPLETE, {"credential": {"id": "x"}})
    assert response.status_code == 400
    assert response.json()["code"] == "credential_invalid"
    assert not Authenticator.objects.exists()


def test_replayed_registration_is_refused(client_signed_in, authenticator):
    options = post_json(client_signed_in, BEGIN).json()
    body = {"credential": authenticator.create(options)}
    assert post_json(client_signed_in, COMPLETE, body).status_code == 201
    response = post_json(client_signed_in, COMPLETE, body)
    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert Authenticator.objects.count() == 1


def sign_in_with(client, authenticator, **extra):
    options = post_json(client, SIGN_IN_BEGIN).json()
    return post_json(
        client, SIGN_IN_COMPLETE, {"credential": authenticator.get(options), **extra}
    )


def test_passkey_signs_in_without_a_password(
    visitor, with_passkey, authenticator, user
):
    response = sign_in_with(visitor, authenticator)
    assert response.status_code == 200
    assert response.json() == {"redirect": "/"}
    assert visitor.session["_auth_user_id"] == str(user.pk)
    event = AuthEvent.objects.filter(user=user, kind=AuthEvent.Kind.LOGIN).latest("pk")
    assert event.method == "hwk user"


def test_sign_in_goes_to_a_safe_next_only(visitor, with_passkey, authenticator):
    response = sign_in_with(visitor, authenticator, next="https://evil.example/")
    assert response.json() == {"redirect": "/"}


def test_sign_in_goes_to_next(visitor, with_passkey, authenticator):
    response = sign_in_with(visitor, authenticator, next="/accounts/sessions/")
    assert response.json() == {"redirect": "/accounts/sessions/"}


def test_replayed_sign_in_is_refused(visitor, with_passkey, authenticator):
    options = post_json(visitor, SIGN_IN_BEGIN).json()
    body = {"credential": authenticator.get(options)}
    assert post_json(visitor, SIGN_IN_COMPLETE, body).status_code == 200
    visitor.logout()
    response = post_json(visitor, SIGN_IN_COMPLETE, body)
    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert "_auth_user_id" not in visitor.session


def test_challenge_is_bound_to_the_browser_that_asked(
    visitor, with_passkey, authenticator
):
    options = post_json(visitor, SIGN_IN_BEGIN).json()
    other_browser = Client()
    response = post_json(
        other_browser, SIGN_IN_COMPLETE, {"credential": authenticator.get(options)}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert "_auth_user_id" not in other_browser.session


def test_sign_in_with_garbage_is_400(client):
    post_json(client, SIGN_IN_BEGIN)
    response = post_json(client, SIGN_IN_COMPLETE, {"credential": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "credential_invalid"


def test_sign_in_attempts_are_throttled_per_address(
    visitor, settings, with_passkey, authenticator
):
    settings.AUTHSITE_LOGIN_FORM_RATE = "1/minute"
    post_json(visitor, SIGN_IN_COMPLETE, {"credential": "x"})
    response = sign_in_with(visitor, authenticator)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "_auth_user_id" not in visitor.session


def test_rename_changes_the_name(client_signed_in, with_passkey):
    response = client_signed_in.post(
        f"/accounts/mfa/passkeys/{with_passkey.pk}/rename/", {"name": "Work"}
    )
    assert response.status_code == 302
    with_passkey.refresh_from_db()
    assert with_passkey.name == "Work"


def test_rename_to_nothing_keeps_the_name(client_signed_in, with_passkey):
    client_signed_in.post(
        f"/accounts/mfa/passkeys/{with_passkey.pk}/rename/", {"name": "  "}
    )
    with_passkey.refresh_from_db()
    assert with_passkey.name == "Laptop"


def test_remove_deletes_the_passkey(client_signed_in, with_passkey):
    response = client_signed_in.post(
        f"/accounts/mfa/passkeys/{with_passkey.pk}/remove/"
    )
    assert response.status_code == 302
    assert not Authenticator.objects.exists()


def test_another_users_passkey_cannot_be_removed_or_renamed(
    client, other_user, with_passkey
):
    client.force_login(other_user)
    client.post(f"/accounts/mfa/passkeys/{with_passkey.pk}/remove/")
    client.post(f"/accounts/mfa/passkeys/{with_passkey.pk}/rename/", {"name": "Mine"})
    with_passkey.refresh_from_db()
    assert with_passkey.name == "Laptop"


def test_passkey_signs_in_under_every_session_strategy(strategy, user, authenticator):
    owner = Client()
    owner.force_login(user)
    add_passkey(owner, authenticator)
    visitor = Client()

    response = sign_in_with(visitor, authenticator)

    assert response.status_code == 200
    assert visitor.get("/").context["user"] == user


def test_passkey_endpoints_need_the_csrf_token(with_passkey, authenticator):
    visitor = Client(enforce_csrf_checks=True)
    assert post_json(visitor, SIGN_IN_BEGIN).status_code == 403
    assert post_json(visitor, SIGN_IN_COMPLETE, {"credential": {}}).status_code == 403


def test_adding_needs_a_recent_sign_in(client_signed_in, sign_in_too_old):
    response = post_json(client_signed_in, BEGIN)
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    assert response.json()["redirect"].startswith("/accounts/reauthenticate/")


def test_completing_an_add_needs_a_recent_sign_in(
    client_signed_in, authenticator, settings
):
    options = post_json(client_signed_in, BEGIN).json()
    settings.AUTHSITE_REAUTH_TIMEOUT = -1
    response = post_json(
        client_signed_in, COMPLETE, {"credential": authenticator.create(options)}
    )
    assert response.status_code == 403
    assert not Authenticator.objects.exists()


def test_removing_needs_a_recent_sign_in(
    client_signed_in, with_passkey, sign_in_too_old
):
    response = client_signed_in.post(
        f"/accounts/mfa/passkeys/{with_passkey.pk}/remove/"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert Authenticator.objects.filter(pk=with_passkey.pk).exists()


def test_renaming_needs_a_recent_sign_in(
    client_signed_in, with_passkey, sign_in_too_old
):
    client_signed_in.post(
        f"/accounts/mfa/passkeys/{with_passkey.pk}/rename/", {"name": "Work"}
    )
    with_passkey.refresh_from_db()
    assert with_passkey.name == "Laptop"


def test_adding_and_removing_email_the_user(
    client_signed_in, authenticator, user, mailoutbox
):
    add_passkey(client_signed_in, authenticator, name="Laptop")
    passkey = Authenticator.objects.get()
    client_signed_in.post(f"/accounts/mfa/passkeys/{passkey.pk}/remove/")
    added, removed = mailoutbox
    assert added.to == removed.to == [user.email]
    assert "A sign-in method was added to your account: passkey “Laptop”." in (
        added.body
    )
    assert "removed from your account: passkey “Laptop”." in removed.body


def test_removing_the_last_factor_removes_the_recovery_codes(
    client_signed_in, with_passkey, user
):
    Authenticator.objects.create(
        user=user, kind=Authenticator.Kind.RECOVERY_CODES, data={"hashes": []}
    )
    client_signed_in.post(f"/accounts/mfa/passkeys/{with_passkey.pk}/remove/")
    assert not Authenticator.objects.filter(user=user).exists()
