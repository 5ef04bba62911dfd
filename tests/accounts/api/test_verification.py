"""Email verification through the API: register, verify by key or code, send again,
sign in, and changing the address with PATCH /api/me/."""

import time

import pytest
from django.core import mail

from accounts.models import EmailVerification, User
from accounts.tokens import authenticated
from tests.factories import PASSWORD, make_user
from tests.helpers.jose import claims_of
from tests.helpers.mail import messages_to, verification_code, verification_key

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "carol",
    "email": "carol@example.com",
    "password": "a-Long-pass-7821",
}


def register(api_client, **fields):
    return api_client.post("/api/auth/register/", {**GOOD, **fields}, format="json")


def verify(api_client, **data):
    return api_client.post("/api/auth/email/verify/", data, format="json")


def test_register_answers_202_with_one_body_for_new_and_registered_addresses(
    api_client, user
):
    new = register(api_client)
    taken = register(api_client, username="mallory", email="ALICE@example.com")

    assert new.status_code == taken.status_code == 202
    assert new.json() == taken.json()
    assert new.json()["code"] == "verification_sent"
    assert not User.objects.filter(username="mallory").exists()
    assert "already has one" in messages_to("alice@example.com")[0].body
    assert verification_key(messages_to("carol@example.com")[0])


def test_an_unverified_account_gets_403_email_unverified_for_the_right_password(
    api_client, obtain
):
    register(api_client)

    right = obtain(username="carol", password=GOOD["password"])
    wrong = obtain(username="carol", password="wrong-Password-1")

    assert right.status_code == 403
    assert right.json()["code"] == "email_unverified"
    assert wrong.status_code == 401


def test_verify_by_key_then_tokens_are_issued(api_client, obtain):
    register(api_client)
    key = verification_key(mail.outbox[0])

    response = verify(api_client, key=key)

    assert response.status_code == 200
    assert response.json()["email"] == "carol@example.com"
    assert obtain(username="carol", password=GOOD["password"]).status_code == 200


def test_verify_by_email_and_code(api_client):
    register(api_client)
    code = verification_code(mail.outbox[0])

    response = verify(api_client, email="CAROL@example.com", code=code)

    assert response.status_code == 200
    assert User.objects.get(username="carol").email_verified


def test_a_used_key_is_400_invalid_verification(api_client):
    register(api_client)
    key = verification_key(mail.outbox[0])
    verify(api_client, key=key)

    again = verify(api_client, key=key)

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_verification"


def test_a_wrong_code_and_an_unknown_address_answer_alike(api_client):
    register(api_client)
    code = verification_code(mail.outbox[0])
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    known = verify(api_client, email="carol@example.com", code=wrong)
    unknown = verify(api_client, email="nobody@example.com", code=code)

    assert known.status_code == unknown.status_code == 400
    assert known.json() == unknown.json()


def test_five_wrong_codes_end_the_verification(api_client):
    register(api_client)
    code = verification_code(mail.outbox[0])
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    for _ in range(5):
        verify(api_client, email="carol@example.com", code=wrong)
    right = verify(api_client, email="carol@example.com", code=code)

    assert right.status_code == 400
    assert not EmailVerification.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"email": "carol@example.com"}, {"code": "123456"}, {"key": 5}],
)
def test_verify_without_key_or_email_and_code_is_400(api_client, data):
    response = verify(api_client, **data)

    assert response.status_code == 400


def test_verify_is_throttled_per_client_address(api_client, settings):
    settings.AUTHSITE_API_THROTTLE_RATES = {
        **settings.AUTHSITE_API_THROTTLE_RATES,
        "email_verify": "2/hour",
    }

    answers = [verify(api_client, key="x").status_code for _ in range(3)]

    assert answers == [400, 400, 429]


def test_resend_answers_202_alike_and_mails_only_an_unverified_account(
    api_client, user
):
    make_user(username="dora", email="dora@example.com", email_verified=False)

    answers = [
        api_client.post(
            "/api/auth/email/verify/resend/", {"email": address}, format="json"
        )
        for address in ("dora@example.com", "alice@example.com", "no@example.com")
    ]

    assert {a.status_code for a in answers} == {202}
    assert len({str(a.json()) for a in answers}) == 1
    assert [m.to for m in mail.outbox] == [["dora@example.com"]]


def test_me_says_whether_the_address_is_verified(api_client, tokens, bearer):
    response = api_client.get("/api/me/", **bearer(tokens["access"]))

    assert response.json()["email_verified"] is True


# --- Changing the address ---------------------------------------------------------


def patch_me(api_client, bearer, tokens, **data):
    return api_client.patch("/api/me/", data, format="json", **bearer(tokens["access"]))


def test_patch_me_does_not_change_the_email_before_the_new_address_confirms(
    api_client, user, tokens, bearer
):
    # A stolen access token alone must not move the account's mail (then its
    # password resets) to the thief's address.
    response = patch_me(api_client, bearer, tokens, email="thief@example.com")

    user.refresh_from_db()
    assert user.email == "alice@example.com"
    assert response.json()["email"] == "alice@example.com"
    assert response.json()["email_pending"] == "thief@example.com"


def test_patch_me_email_switches_once_confirmed_and_tells_the_old_address(
    api_client, user, tokens, bearer
):
    patch_me(api_client, bearer, tokens, email="new@example.com")
    key = verification_key(messages_to("new@example.com")[0])

    verify(api_client, key=key)

    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("new@example.com", True)
    assert "new@example.com" in messages_to("alice@example.com")[0].body
    me = api_client.get("/api/me/", **bearer(tokens["access"])).json()
    assert me["email"] == "new@example.com"


def test_patch_me_refuses_an_address_another_account_has(
    api_client, user, other_user, tokens, bearer
):
    response = patch_me(api_client, bearer, tokens, email="BOB@example.com")

    assert response.status_code == 400
    assert "email" in response.json()
    assert mail.outbox == []


def test_patch_me_email_of_an_old_sign_in_needs_reauthentication(
    api_client, user, tokens, bearer
):
    # The attack: a stolen access token changes the email with no password, then a
    # password reset to the new address takes the account.
    authenticated.family_authenticated(
        family=claims_of(tokens["access"])["fam"], at=time.time() - 10 * 60
    )

    response = patch_me(api_client, bearer, tokens, email="thief@example.com")

    user.refresh_from_db()
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    assert user.email == "alice@example.com"
    assert mail.outbox == []
    assert not EmailVerification.objects.exists()


def test_patch_me_names_of_an_old_sign_in_need_no_reauthentication(
    api_client, user, tokens, bearer
):
    authenticated.family_authenticated(
        family=claims_of(tokens["access"])["fam"], at=time.time() - 10 * 60
    )

    response = patch_me(api_client, bearer, tokens, first_name="Alice")

    assert response.status_code == 200


def test_patch_me_email_after_reauthenticating_sends_the_verification(
    api_client, user, tokens, bearer
):
    authenticated.family_authenticated(
        family=claims_of(tokens["access"])["fam"], at=time.time() - 10 * 60
    )
    api_client.post(
        "/api/me/reauthenticate/",
        {"password": PASSWORD},
        format="json",
        **bearer(tokens["access"]),
    )

    response = patch_me(api_client, bearer, tokens, email="new@example.com")

    assert response.status_code == 200
    assert response.json()["email_pending"] == "new@example.com"
    assert len(messages_to("new@example.com")) == 1
