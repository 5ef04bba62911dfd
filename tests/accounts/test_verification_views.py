"""Email verification through the pages: signup, the link, the code, sending again,
signing in, and changing the address on the profile."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts import emails, verification
from accounts.models import EmailVerification, User
from tests.factories import PASSWORD, make_user
from tests.helpers.accounts import sign_in, sign_in_age
from tests.helpers.mail import messages_to, verification_code, verification_path

pytestmark = pytest.mark.django_db

CONFIRM_FIRST = "Confirm your email address first"


def signup(client, username="carol", email="carol@example.com"):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def page_text(response) -> str:
    """The page without what differs on every answer (CSRF tokens)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


# --- Signup under mandatory verification (the default) -----------------------------


def test_signup_does_not_sign_in_and_mails_a_link_and_a_code(client):
    response = signup(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/email/verify/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(username="carol").email_verified
    [message] = messages_to("carol@example.com")
    assert verification_path(message).startswith("/accounts/email/verify/")
    assert verification_code(message).isdigit()
    assert "http://localhost:8000/accounts/email/verify/" in message.body


def test_signup_answers_the_same_for_a_registered_address(client, user):
    new = signup(client, username="carol", email="carol@example.com")
    new_page = client.get(new.headers["Location"])
    taken = signup(client, username="mallory", email="alice@example.com")
    taken_page = client.get(taken.headers["Location"])

    assert (new.status_code, new.headers["Location"]) == (
        taken.status_code,
        taken.headers["Location"],
    )
    assert page_text(new_page).replace("carol@", "X@") == page_text(taken_page).replace(
        "alice@", "X@"
    )
    assert not User.objects.filter(username="mallory").exists()


def test_the_owner_of_a_registered_address_is_mailed_a_reset_link(client, user):
    signup(client, username="mallory", email="Alice@Example.com")

    [message] = messages_to("alice@example.com")
    assert "already has one" in message.body
    assert "http://localhost:8000/accounts/password/reset/" in message.body
    assert not EmailVerification.objects.exists()


def test_opening_the_link_shows_a_button_and_verifies_nothing(client):
    signup(client)
    path = verification_path(mail.outbox[0])

    page = client.get(path)

    assert page.status_code == 200
    assert "Confirm that carol@example.com is your address." in page.text
    assert 'method="post"' in page.text
    assert not User.objects.get(username="carol").email_verified


def test_the_link_confirms_with_a_post_and_then_sign_in_works(client):
    signup(client)
    path = verification_path(mail.outbox[0])

    confirmed = client.post(path)
    signed_in = sign_in(client, "carol")

    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/accounts/login/"
    assert User.objects.get(username="carol").email_verified
    assert signed_in.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_used_link_shows_a_page_with_a_way_to_get_a_new_one(client):
    signup(client)
    path = verification_path(mail.outbox[0])
    client.post(path)

    again = client.get(path)
    posted_again = client.post(path)

    assert again.status_code == posted_again.status_code == 410
    assert "This link no longer works" in again.text
    assert 'href="/accounts/email/verify/resend/"' in again.text


def test_an_expired_link_verifies_nothing(client):
    signup(client)
    path = verification_path(mail.outbox[0])
    EmailVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(path)

    assert response.status_code == 410
    assert not User.objects.get(username="carol").email_verified


def test_the_database_keeps_no_key_and_no_code(client):
    signup(client)
    message = mail.outbox[0]
    key = verification_path(message).rstrip("/").rsplit("/", 1)[1]
    code = verification_code(message)

    row = EmailVerification.objects.values().get()

    assert key not in str(row)
    assert code not in row["code_hash"]


# --- The code ----------------------------------------------------------------------


def test_the_browser_that_signed_up_confirms_with_the_code(client):
    signup(client)
    code = verification_code(mail.outbox[0])

    page = client.get("/accounts/email/verify/")
    response = client.post("/accounts/email/verify/", {"code": code})

    assert 'name="code"' in page.text
    assert 'name="email"' not in page.text  # the browser knows the address
    assert response.status_code == 302
    assert User.objects.get(username="carol").email_verified


def test_another_browser_confirms_with_the_address_and_the_code(client):
    signup(client)
    code = verification_code(mail.outbox[0])
    other = Client()

    response = other.post(
        "/accounts/email/verify/", {"email": "carol@example.com", "code": code}
    )

    assert response.status_code == 302
    assert User.objects.get(username="carol").email_verified


def test_five_wrong_codes_end_the_verification(client):
    signup(client)
    code = verification_code(mail.outbox[0])
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    answers = [
        client.post("/accounts/email/verify/", {"code": wrong}) for _ in range(5)
    ]
    right = client.post("/accounts/email/verify/", {"code": code})

    assert all("That code is not right" in a.text for a in answers)
    assert right.status_code == 200
    assert "That code is not right" in right.text
    assert not User.objects.get(username="carol").email_verified
    assert not EmailVerification.objects.exists()


def test_a_code_that_is_not_six_digits_is_a_form_error(client):
    signup(client)

    response = client.post("/accounts/email/verify/", {"code": "12ab"})

    assert response.status_code == 200
    assert "Enter the 6 digits of the code." in response.text


# --- Signing in unverified, and sending again -----------------------------------


def test_an_unverified_account_with_the_right_password_is_asked_to_confirm(client):
    make_user(username="dora", email="dora@example.com", email_verified=False)

    response = sign_in(client, "dora")

    assert response.status_code == 200
    assert CONFIRM_FIRST in response.text
    assert 'action="/accounts/email/verify/resend/"' in response.text
    assert "_auth_user_id" not in client.session


def test_an_unverified_account_with_a_wrong_password_hears_only_wrong(client):
    make_user(username="dora", email="dora@example.com", email_verified=False)

    response = sign_in(client, "dora", password="wrong-Password-1")

    assert CONFIRM_FIRST not in response.text
    assert "Please enter a correct username" in response.text


def test_the_resend_button_after_sign_in_sends_a_new_message(client):
    make_user(username="dora", email="dora@example.com", email_verified=False)
    sign_in(client, "dora")

    response = client.post("/accounts/email/verify/resend/")

    assert response.status_code == 302
    [message] = messages_to("dora@example.com")
    client.post(verification_path(message))
    assert User.objects.get(username="dora").email_verified


def test_sending_again_ends_the_earlier_link(client):
    signup(client)
    first = verification_path(mail.outbox[0])

    client.post("/accounts/email/verify/resend/")
    second = verification_path(mail.outbox[1])

    assert client.post(first).status_code == 410
    assert client.post(second).status_code == 302


def test_resend_answers_the_same_for_any_address_and_mails_only_the_unverified(
    client, user
):
    make_user(username="dora", email="dora@example.com", email_verified=False)

    answers = [
        Client().post("/accounts/email/verify/resend/", {"email": address})
        for address in ("dora@example.com", "alice@example.com", "no@example.com")
    ]

    assert {a.status_code for a in answers} == {302}
    assert [m.to for m in mail.outbox] == [["dora@example.com"]]


def test_resend_is_throttled_and_answers_the_same_past_the_limit(client, settings):
    settings.AUTHSITE_EMAIL_VERIFICATION_RESEND_RATE = "2/hour"
    make_user(username="dora", email="dora@example.com", email_verified=False)

    answers = [
        client.post("/accounts/email/verify/resend/", {"email": "dora@example.com"})
        for _ in range(4)
    ]

    assert {a.status_code for a in answers} == {302}
    assert len(messages_to("dora@example.com")) == 2


def test_a_user_made_with_createsuperuser_signs_in(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        interactive=False,
        username="root",
        email="root@example.com",
        verbosity=0,
    )

    response = sign_in(client, "root")

    assert response.status_code == 302


# --- Optional and none --------------------------------------------------------


def test_under_optional_signup_signs_in_and_a_banner_asks_to_confirm(client, settings):
    settings.AUTHSITE_EMAIL_VERIFICATION = "optional"
    signup(client)

    home = client.get("/")
    client.post(verification_path(mail.outbox[0]))
    after = client.get("/")

    assert "_auth_user_id" in client.session
    assert 'id="verify-banner"' in home.text
    assert 'id="verify-banner"' not in after.text


def test_under_none_signup_signs_in_and_sends_nothing(client, settings):
    settings.AUTHSITE_EMAIL_VERIFICATION = "none"

    signup(client)

    assert "_auth_user_id" in client.session
    assert mail.outbox == []
    assert 'id="verify-banner"' not in client.get("/").text


def test_under_optional_an_unverified_account_signs_in(client, settings):
    settings.AUTHSITE_EMAIL_VERIFICATION = "optional"
    make_user(username="dora", email="dora@example.com", email_verified=False)

    assert sign_in(client, "dora").status_code == 302


# --- Changing the address on the profile -----------------------------------------


def change_email(client, email, password=PASSWORD):
    return client.post(
        "/accounts/profile/",
        {
            "first_name": "",
            "last_name": "",
            "email": email,
            "current_password": password,
        },
    )


def test_a_new_address_switches_only_when_its_link_is_confirmed(client_signed_in, user):
    change_email(client_signed_in, "new@example.com")
    user.refresh_from_db()
    before = user.email

    [message] = messages_to("new@example.com")
    confirmed = client_signed_in.post(verification_path(message))

    user.refresh_from_db()
    assert before == "alice@example.com"
    assert confirmed.headers["Location"] == "/accounts/profile/"
    assert (user.email, user.email_verified) == ("new@example.com", True)


def test_the_old_address_is_told_with_a_link_to_secure_the_account(
    client_signed_in, user
):
    change_email(client_signed_in, "new@example.com")
    [message] = messages_to("new@example.com")

    client_signed_in.post(verification_path(message))

    [notice] = messages_to("alice@example.com")
    assert "new@example.com" in notice.body
    assert "http://localhost:8000/accounts/password/reset/" in notice.body


def test_the_change_link_works_signed_out(client_signed_in, user):
    change_email(client_signed_in, "new@example.com")
    [message] = messages_to("new@example.com")

    response = Client().post(verification_path(message))  # a signed-out browser

    user.refresh_from_db()
    assert response.headers["Location"] == "/accounts/login/"
    assert user.email == "new@example.com"


def test_a_change_to_an_address_taken_meanwhile_changes_nothing(client_signed_in, user):
    change_email(client_signed_in, "new@example.com")
    make_user(username="bob", email="NEW@example.com")
    [message] = messages_to("new@example.com")

    response = client_signed_in.post(verification_path(message))

    user.refresh_from_db()
    assert response.status_code == 410
    assert "Another account uses this email address" in response.text
    assert user.email == "alice@example.com"


def test_a_signed_in_user_confirms_a_new_address_with_the_code(client_signed_in, user):
    change_email(client_signed_in, "new@example.com")
    [message] = messages_to("new@example.com")

    client_signed_in.post(
        "/accounts/email/verify/", {"code": verification_code(message)}
    )

    user.refresh_from_db()
    assert user.email == "new@example.com"


def test_an_old_sign_in_changes_the_address_only_with_its_password(
    client_signed_in, user
):
    sign_in_age(client_signed_in, 10 * 60)

    refused = change_email(client_signed_in, "new@example.com", password="")
    accepted = change_email(client_signed_in, "new@example.com")

    assert refused.status_code == 200
    assert "current_password" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert len(messages_to("new@example.com")) == 1


def test_a_fresh_sign_in_changes_the_address_without_typing_the_password(
    client_signed_in, user
):
    response = change_email(client_signed_in, "new@example.com", password="")

    assert response.status_code == 302
    assert len(messages_to("new@example.com")) == 1


@pytest.mark.parametrize("registered", [False, True])
def test_signup_mail_waits_for_the_response(user, registered):
    # Whether a message went (a new address, or the note to a registered address's
    # owner) must not show in how long the answer took: it goes after the response.
    emails.after_response_begin()
    try:
        if registered:
            verification.signup_address_taken_notify(
                email=user.email, password=PASSWORD, client="192.0.2.1"
            )
        else:
            verification.email_verification_send(user=user)
        assert mail.outbox == []
    finally:
        emails.after_response_send()

    assert len(messages_to(user.email)) == 1
