import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD
from tests.helpers.accounts import session_key_of, sign_in

# Every flow runs under every session strategy of the registry.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("strategy")]

NEW_PASSWORD = "a-Brand-new-passphrase-7"


def test_password_change_keeps_this_session_and_ends_the_others(
    client_signed_in, user, store
):
    other = Client()
    sign_in(other, "alice")
    other_key = session_key_of(other)

    response = client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert "Signed in as alice" in client_signed_in.get("/").text
    assert store.lacks(other_key)
    assert "You are not signed in" in other.get("/").text


def test_password_change_requires_the_old_password(client_signed_in, user):
    response = client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": "wrong",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_applies_the_password_validators(client_signed_in, user):
    response = client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )

    assert response.status_code == 200
    # The verdict belongs to the new password, not to its confirmation.
    assert "new_password1" in response.context["form"].errors
    assert "new_password2" not in response.context["form"].errors


def reset_link(client, email: str) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    assert len(mail.outbox) == 1
    return re.search(
        r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body
    )[1]


def test_password_reset_link_works_once(client, user):
    link = reset_link(client, "alice@example.com")

    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert done.headers["Location"] == "/accounts/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.text


def test_password_reset_ends_every_session(client, user, store):
    signed_in = Client()
    sign_in(signed_in, "alice")
    key = session_key_of(signed_in)
    link = reset_link(client, "alice@example.com")
    set_url = client.get(link, follow=True).redirect_chain[-1][0]

    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert store.lacks(key)
    assert "You are not signed in" in signed_in.get("/").text


def test_password_reset_answers_the_same_for_an_unknown_address(client, user):
    known = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(mail.outbox) == 1


def test_password_reset_link_expires_after_an_hour(client, user):
    tokens = default_token_generator
    an_hour_ago = tokens._num_seconds(tokens._now()) - 3601
    token = tokens._make_token_with_timestamp(user, an_hour_ago, tokens.secret)
    uid = urlsafe_base64_encode(force_bytes(user.pk))

    response = client.get(f"/accounts/password/reset/{uid}/{token}/", follow=True)

    assert "This link no longer works" in response.text


def test_the_reset_link_comes_from_the_site_url_never_the_request_host(
    client, user, settings
):
    settings.AUTHSITE_SITE_URL = "https://auth.example.com"

    client.post(
        "/accounts/password/reset/",
        {"email": "alice@example.com"},
        HTTP_HOST="127.0.0.1:9999",
    )

    body = mail.outbox[0].body
    assert "https://auth.example.com/accounts/password/reset/" in body
    assert "127.0.0.1" not in body
