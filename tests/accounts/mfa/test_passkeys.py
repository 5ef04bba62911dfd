"""The passkey factor itself (accounts.mfa.passkeys): real credentials from a software
authenticator, verified by py_webauthn, challenges in the real Redis."""

import pytest
from django.core.cache import cache

from accounts.mfa import passkeys
from accounts.models import Authenticator
from tests.helpers.webauthn import SoftAuthenticator, b64url

BINDING = "browser:test"


@pytest.fixture
def registered(user, authenticator):
    options = passkeys.registration_begin(user=user, binding=BINDING)
    return passkeys.registration_complete(
        user=user,
        binding=BINDING,
        credential=authenticator.create(options),
        name="Laptop",
    )


def test_relying_party_comes_from_the_site_url(settings):
    settings.AUTHSITE_SITE_URL = "https://login.example.com:8443/"
    rp = passkeys.relying_party()
    assert (rp.id, rp.origin) == ("login.example.com", "https://login.example.com:8443")


def test_registration_options_prefer_a_resident_key_and_require_verification(user):
    options = passkeys.registration_begin(user=user, binding=BINDING)
    selection = options["authenticatorSelection"]
    assert selection["residentKey"] == "preferred"
    assert selection["userVerification"] == "required"
    # The user handle is opaque: not the user's id.
    assert options["user"]["id"] != b64url(str(user.pk).encode())


def test_registration_keeps_the_credential(registered, authenticator):
    assert registered.kind == Authenticator.Kind.PASSKEY
    assert registered.name == "Laptop"
    assert registered.data["credential_id"] == b64url(authenticator.credential_id)
    assert registered.data["transports"] == ["internal"]
    assert registered.data["backup_eligible"] is False


def test_registration_without_user_verification_is_refused(user, authenticator):
    authenticator.user_verified = False
    options = passkeys.registration_begin(user=user, binding=BINDING)
    with pytest.raises(passkeys.CredentialInvalid):
        passkeys.registration_complete(
            user=user, binding=BINDING, credential=authenticator.create(options)
        )
    assert not Authenticator.objects.exists()


def test_registration_from_another_origin_is_refused(user, authenticator):
    options = passkeys.registration_begin(user=user, binding=BINDING)
    credential = authenticator.create(options, origin="https://evil.example")
    with pytest.raises(passkeys.CredentialInvalid):
        passkeys.registration_complete(
            user=user, binding=BINDING, credential=credential
        )


def test_replayed_registration_is_refused(user, authenticator):
    options = passkeys.registration_begin(user=user, binding=BINDING)
    credential = authenticator.create(options)
    passkeys.registration_complete(user=user, binding=BINDING, credential=credential)
    with pytest.raises(passkeys.ChallengeMissing):
        passkeys.registration_complete(
            user=user, binding=BINDING, credential=credential
        )
    assert Authenticator.objects.count() == 1


def test_challenge_of_another_binding_is_refused(user, authenticator):
    options = passkeys.registration_begin(user=user, binding=BINDING)
    with pytest.raises(passkeys.ChallengeMissing):
        passkeys.registration_complete(
            user=user, binding="browser:other", credential=authenticator.create(options)
        )


def test_challenge_of_another_user_is_refused(user, other_user, authenticator):
    options = passkeys.registration_begin(user=user, binding=BINDING)
    with pytest.raises(passkeys.ChallengeMissing):
        passkeys.registration_complete(
            user=other_user, binding=BINDING, credential=authenticator.create(options)
        )


def test_the_same_credential_cannot_be_registered_twice(
    user, other_user, registered, authenticator
):
    options = passkeys.registration_begin(user=other_user, binding=BINDING)
    with pytest.raises(passkeys.CredentialRegistered):
        passkeys.registration_complete(
            user=other_user, binding=BINDING, credential=authenticator.create(options)
        )


@pytest.mark.parametrize(
    "credential",
    [None, "not json", [], {}, {"id": "x", "rawId": "x", "response": {}}, 7],
)
def test_malformed_registration_is_refused(user, credential):
    passkeys.registration_begin(user=user, binding=BINDING)
    with pytest.raises(passkeys.CredentialInvalid):
        passkeys.registration_complete(
            user=user, binding=BINDING, credential=credential
        )


def test_sign_in_finds_the_passkey_and_counts_its_use(registered, authenticator):
    options = passkeys.authentication_begin(binding=BINDING)
    assert options["userVerification"] == "required"
    assert options["allowCredentials"] == []
    passkey = passkeys.authentication_complete(
        binding=BINDING, credential=authenticator.get(options)
    )
    assert passkey.pk == registered.pk
    passkey.refresh_from_db()
    assert passkey.data["sign_count"] == 1
    assert passkey.last_used_at is not None


def test_replayed_sign_in_is_refused(registered, authenticator):
    options = passkeys.authentication_begin(binding=BINDING)
    credential = authenticator.get(options)
    passkeys.authentication_complete(binding=BINDING, credential=credential)
    with pytest.raises(passkeys.ChallengeMissing):
        passkeys.authentication_complete(binding=BINDING, credential=credential)


def test_replayed_assertion_under_a_new_challenge_is_refused(registered, authenticator):
    # The signature covers the old challenge; the new one does not match it.
    first = authenticator.get(passkeys.authentication_begin(binding=BINDING))
    passkeys.authentication_complete(binding=BINDING, credential=first)
    passkeys.authentication_begin(binding=BINDING)
    with pytest.raises(passkeys.CredentialInvalid):
        passkeys.authentication_complete(binding=BINDING, credential=first)


def test_sign_in_without_user_verification_is_refused(registered, authenticator):
    authenticator.user_verified = False
    options = passkeys.authentication_begin(binding=BINDING)
    with pytest.raises(passkeys.CredentialInvalid):
        passkeys.authentication_complete(
            binding=BINDING, credential=authenticator.get(options)
        )


def test_sign_in_with_an_unknown_credential_is_refused(user):
    stranger = SoftAuthenticator(
        origin=passkeys.relying_party().origin, rp_id=passkeys.relying_party().id
    )
    options = passkeys.authentication_begin(binding=BINDING)
    with pytest.raises(passkeys.CredentialUnknown):
        passkeys.authentication_complete(
            binding=BINDING, credential=stranger.get(options)
        )


def test_sign_in_with_a_forged_signature_is_refused(registered, authenticator):
    options = passkeys.authentication_begin(binding=BINDING)
    credential = authenticator.get(options)
    credential["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    with pytest.raises(passkeys.CredentialInvalid):
        passkeys.authentication_complete(binding=BINDING, credential=credential)


def test_sign_in_of_an_inactive_user_is_refused(user, registered, authenticator):
    user.is_active = False
    user.save()
    options = passkeys.authentication_begin(binding=BINDING)
    with pytest.raises(passkeys.CredentialUnknown):
        passkeys.authentication_complete(
            binding=BINDING, credential=authenticator.get(options)
        )


def test_second_factor_accepts_only_that_users_passkeys(
    user, other_user, registered, authenticator
):
    options = passkeys.authentication_begin(binding=BINDING, user=other_user)
    with pytest.raises(passkeys.CredentialUnknown):
        passkeys.authentication_complete(
            binding=BINDING, credential=authenticator.get(options), user=other_user
        )


def test_second_factor_options_name_the_users_passkeys(user, registered):
    options = passkeys.authentication_begin(binding=BINDING, user=user)
    assert [c["id"] for c in options["allowCredentials"]] == [
        registered.data["credential_id"]
    ]


@pytest.mark.parametrize(
    ("backup_eligible", "amr"), [(False, ["hwk", "user"]), (True, ["swk", "user"])]
)
def test_amr_says_whether_the_passkey_can_be_synced(user, backup_eligible, amr):
    rp = passkeys.relying_party()
    authenticator = SoftAuthenticator(
        origin=rp.origin, rp_id=rp.id, backup_eligible=backup_eligible
    )
    options = passkeys.registration_begin(user=user, binding=BINDING)
    passkey = passkeys.registration_complete(
        user=user, binding=BINDING, credential=authenticator.create(options)
    )
    assert passkeys.passkey_amr(passkey) == amr


def test_challenge_lives_five_minutes_in_redis(user):
    passkeys.authentication_begin(binding=BINDING)
    ttl = cache.ttl(f"passkey-challenge:{passkeys.SIGN_IN}:{BINDING}")
    assert 0 < ttl <= 300
