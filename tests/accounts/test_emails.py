"""Security emails: what the user is told, when, in which language, with which links."""

import pytest
from django.core import mail
from django.test import Client

from accounts import emails
from accounts.models import User
from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-Brand-new-passphrase-7"
FIREFOX = (
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"
)
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.0.0 Safari/537.36"
)


def _subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def test_password_change_emails_the_user(client_signed_in, user):
    mail.outbox.clear()

    client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert _subjects() == ["Your password was changed"]
    assert mail.outbox[0].to == ["alice@example.com"]


def test_api_password_change_emails_the_user(api_client, tokens, bearer):
    mail.outbox.clear()

    api_client.post(
        "/api/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        **bearer(tokens["access"]),
    )

    assert _subjects() == ["Your password was changed"]


def test_email_is_in_the_users_language(client_signed_in, user):
    User.objects.filter(pk=user.pk).update(language="ko")
    mail.outbox.clear()

    client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert _subjects() == ["비밀번호가 변경되었습니다"]
    assert "비밀번호" in mail.outbox[0].body


def test_setting_off_sends_no_security_email(client_signed_in, settings):
    settings.AUTHSITE_SECURITY_EMAILS = False
    mail.outbox.clear()

    client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert mail.outbox == []


def test_mail_of_a_request_waits_for_its_response(user):
    emails.after_response_begin()
    emails.security_email_send(user=user, kind="password_changed")

    assert mail.outbox == []
    emails.after_response_send()
    assert _subjects() == ["Your password was changed"]


def test_mail_outside_a_request_goes_at_once(user):
    emails.security_email_send(user=user, kind="password_reset")

    assert _subjects() == ["Your password was reset"]


def test_links_come_from_the_site_url_not_the_host(user, settings):
    settings.AUTHSITE_SITE_URL = "https://auth.example.com"
    client = Client(HTTP_HOST="evil.example")
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    sign_in(client, "alice")
    mail.outbox.clear()

    client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    body = mail.outbox[0].body
    assert "https://auth.example.com/accounts/password/reset/" in body
    assert "evil.example" not in body


def test_email_has_an_html_alternative(user):
    emails.security_email_send(user=user, kind="password_changed")

    html, kind = mail.outbox[0].alternatives[0]
    assert kind == "text/html"
    assert "<p>" in html


def test_unknown_kind_is_an_error(user):
    with pytest.raises(emails.UnknownSecurityEmail):
        emails.security_email_send(user=user, kind="no_such_kind")


def test_user_without_an_address_gets_nothing(user):
    user.email = ""

    emails.security_email_send(user=user, kind="password_changed")

    assert mail.outbox == []


def test_sign_in_from_a_new_device_is_told(user):
    sign_in(Client(HTTP_USER_AGENT=FIREFOX), "alice")
    assert mail.outbox == []  # the first sign-in ever: no device to compare with

    sign_in(Client(HTTP_USER_AGENT=CHROME), "alice")

    assert _subjects() == ["New sign-in to your account"]
    assert "Chrome 125 on Windows 10" in mail.outbox[0].body


def test_sign_in_from_a_known_device_is_not_told(user):
    sign_in(Client(HTTP_USER_AGENT=FIREFOX), "alice")
    sign_in(Client(HTTP_USER_AGENT=FIREFOX), "alice")

    assert mail.outbox == []


def test_sign_in_lockout_emails_the_owner_once(user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(6):
        sign_in(Client(), "alice", password="not-the-password")

    assert _subjects() == ["Someone is trying to get into your account"]
    assert "signing in to it is refused" in mail.outbox[0].body


def test_account_deletion_emails_the_address_it_had(client_signed_in, user):
    mail.outbox.clear()

    client_signed_in.post("/accounts/delete/", {"username": "alice"})

    assert _subjects() == ["Your account was deleted"]
    assert mail.outbox[0].to == ["alice@example.com"]


def test_password_reset_emails_the_user(client, user):
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    link = mail.outbox[-1].body.split("/accounts/password/reset/")[1].split()[0]
    page = client.get(f"/accounts/password/reset/{link}", follow=True)
    mail.outbox.clear()

    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert _subjects() == ["Your password was reset"]


def test_email_changed_goes_to_the_old_address(user):
    emails.security_email_send(
        user=user,
        kind="email_changed",
        context={"old_email": "alice@example.com", "new_email": "a@new.example"},
    )

    assert mail.outbox[0].to == ["alice@example.com"]
    assert "a@new.example" in mail.outbox[0].body
    assert "/accounts/password/reset/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("method_added", "A sign-in method was added to your account"),
        ("method_removed", "A sign-in method was removed from your account"),
    ],
)
def test_method_emails_name_the_method(user, kind, subject):
    emails.security_email_send(
        user=user, kind=kind, context={"method": "authenticator app"}
    )

    assert _subjects() == [subject]
    assert "authenticator app" in mail.outbox[0].body


def test_factors_reset_email(user):
    emails.security_email_send(user=user, kind="factors_reset")

    assert _subjects() == ["The second factors of your account were reset"]
