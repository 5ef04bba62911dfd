import pytest
from django.conf import settings
from django.test import Client

from tests.helpers.accounts import session_key_of, sign_in

# Every flow runs under every session strategy of the registry.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("strategy")]


def test_logout_by_post_deletes_the_session_from_the_store(client_signed_in, store):
    key = session_key_of(client_signed_in)
    assert store.holds(key)

    response = client_signed_in.post("/accounts/logout/")

    assert response.status_code == 302
    assert store.lacks(key)
    assert "You are not signed in" in client_signed_in.get("/").text


def test_logout_by_get_only_shows_the_button_and_keeps_the_session(
    client_signed_in, store
):
    key = session_key_of(client_signed_in)

    response = client_signed_in.get("/accounts/logout/")

    assert response.status_code == 200
    assert store.holds(key)
    assert "Signed in as alice" in client_signed_in.get("/").text


def test_logout_requires_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/accounts/login/")
    token = login_page.cookies[settings.CSRF_COOKIE_NAME].value
    sign_in(client, "alice", csrfmiddlewaretoken=token)

    response = client.post("/accounts/logout/")

    assert response.status_code == 403
    assert "Signed in as alice" in client.get("/").text
