"""Error pages in the site's layout, with DEBUG off (pytest-django's default)."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_errors")]

SITE_LAYOUT = 'class="site-header"'


def test_404_is_a_page_of_the_site(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert SITE_LAYOUT in response.text
    assert "Page not found" in response.text


def test_404_speaks_korean_to_a_korean_browser(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.text


def test_404_under_the_api_is_json_with_a_code(client):
    response = client.get("/api/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_400_is_a_page_of_the_site(client):
    response = client.get("/errors/400/")

    assert response.status_code == 400
    assert SITE_LAYOUT in response.text
    assert "The request could not be understood" in response.text


def test_403_is_a_page_of_the_site(client):
    response = client.get("/errors/403/")

    assert response.status_code == 403
    assert SITE_LAYOUT in response.text
    assert "You are not allowed to see this page" in response.text


def test_csrf_failure_says_what_to_do(user):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )

    assert response.status_code == 403
    assert SITE_LAYOUT in response.text
    assert "reload the page and send the form again" in response.text


def test_csrf_failure_without_the_cookie_asks_to_allow_cookies(user):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )

    assert response.status_code == 403
    assert "Allow cookies for this site" in response.text


def test_405_is_a_page_that_names_the_allowed_method(client_signed_in):
    response = client_signed_in.get("/accounts/sessions/revoke/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert SITE_LAYOUT in response.text
    assert "This address is not a page" in response.text


def test_405_under_the_api_stays_json(client):
    response = client.get("/api/auth/register/")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


def test_500_is_a_page_of_the_site_without_the_traceback():
    client = Client(raise_request_exception=False)

    response = client.get("/errors/500/")

    assert response.status_code == 500
    assert SITE_LAYOUT in response.text
    assert "Something went wrong on our side" in response.text
    assert "RuntimeError" not in response.text


def test_500_speaks_the_visitors_language():
    client = Client(raise_request_exception=False)

    response = client.get("/errors/500/", HTTP_ACCEPT_LANGUAGE="ko")

    assert "서버에 문제가 발생했습니다" in response.text


def test_500_under_the_api_is_json_with_a_code():
    client = Client(raise_request_exception=False)

    response = client.get("/api/errors/500/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_503_page_has_the_site_header(client):
    response = client.get("/errors/503/")

    assert response.status_code == 503
    assert SITE_LAYOUT in response.text
    assert "Sign-in is temporarily unavailable" in response.text


def test_admin_lockout_is_a_429_page_with_the_wait(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "staff", "password": "wrong"})

    response = client.post(
        "/admin/login/",
        {"username": "staff", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert response.status_code == 429
    assert SITE_LAYOUT in response.text
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"{minutes}분 후에 다시 시도해 주세요" in response.text
    assert int(response["Retry-After"]) > 0


def test_logout_page_by_get_offers_the_button_and_keeps_the_session(
    client_signed_in,
):
    response = client_signed_in.get("/accounts/logout/")

    assert response.status_code == 200
    assert '<form method="post" action="/accounts/logout/">' in response.text
    assert "Sign out of this browser?" in response.text
    assert "Signed in as alice" in client_signed_in.get("/").text


def test_logout_page_for_a_signed_out_visitor_says_so(client):
    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert "You are signed out" in response.text


def test_sign_out_by_post_says_so(client_signed_in):
    response = client_signed_in.post("/accounts/logout/", follow=True)

    assert "You are signed out." in response.text
