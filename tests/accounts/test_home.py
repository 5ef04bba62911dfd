"""The account home: the state of the account at a glance, each with its action."""

import pytest
from django.test import Client

from accounts.models import AuthEvent
from accounts.sessions import timeouts
from tests.factories import make_user
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db

FIREFOX = (
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"
)


def test_anonymous_home_says_what_the_site_is_with_sign_in_and_sign_up(client):
    page = client.get("/").text

    assert "authsite is a place to sign in" in page
    assert 'href="/accounts/login/"' in page
    assert 'href="/accounts/signup/"' in page


def test_home_shows_the_email_with_a_link_to_change_it(client_signed_in, user):
    page = client_signed_in.get("/").text

    assert user.email in page
    assert "Change your email address" in page
    assert 'href="/accounts/profile/"' in page


def test_home_counts_sessions_and_says_where_the_latest_began(client_signed_in):
    session = client_signed_in.session
    session[timeouts.STARTED_KEY] -= 600  # this one began ten minutes ago
    session.save()
    sign_in(Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.23"), "alice")

    page = client_signed_in.get("/").text

    assert "2 sessions are open." in page
    assert "The latest began on Firefox 126 on Ubuntu from 198.51.100.23" in page
    assert 'href="/accounts/sessions/"' in page


def test_home_lists_recent_sign_ins_and_failed_attempts(client, user):
    sign_in(Client(), "alice")
    sign_in(Client(REMOTE_ADDR="198.51.100.66"), "alice", password="wrong")
    sign_in(client, "alice")

    page = client.get("/").text

    assert "Recent sign-ins" in page
    assert "1 failed sign-in attempt since your previous sign-in." in page
    assert "198.51.100.66" in page


def test_home_says_so_when_there_were_no_failed_attempts(client_signed_in):
    page = client_signed_in.get("/").text

    assert "No failed sign-in attempts since your previous sign-in." in page


def test_home_says_how_old_the_password_is_with_a_link_to_change_it(
    client_signed_in, user
):
    page = client_signed_in.get("/").text

    assert "Password set 0\xa0minutes ago." in page
    assert 'href="/accounts/password/change/"' in page


def test_password_age_counts_from_the_last_change(client_signed_in, user):
    event = AuthEvent.objects.create(user=user, kind=AuthEvent.Kind.PASSWORD_CHANGE)
    AuthEvent.objects.filter(pk=event.pk).update(
        created=user.date_joined.replace(year=user.date_joined.year - 1)
    )
    user.date_joined = user.date_joined.replace(year=user.date_joined.year - 2)
    user.save(update_fields=["date_joined"])

    page = client_signed_in.get("/").text

    assert "Password set 1\xa0year" in page


def test_home_says_whether_the_address_is_verified(client, db):
    make_user(username="dora", email="dora@example.com")
    sign_in(client, "dora")

    page = client.get("/").text

    assert ">Verified<" in page


def test_home_says_an_address_is_not_verified(client, settings, db):
    settings.AUTHSITE_EMAIL_VERIFICATION = "optional"
    make_user(username="dora", email="dora@example.com", email_verified=False)
    sign_in(client, "dora")

    page = client.get("/").text

    assert "Not verified" in page


def test_home_leaves_out_verification_while_the_site_does_not_verify(
    client_signed_in, settings
):
    settings.AUTHSITE_EMAIL_VERIFICATION = "none"

    page = client_signed_in.get("/").text

    assert "Not verified" not in page
    assert ">Verified<" not in page
