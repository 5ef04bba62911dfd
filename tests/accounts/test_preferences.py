"""Language and theme: Accept-Language, the switchers, and the choice kept on the user."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db


def test_english_is_the_default(client):
    response = client.get("/accounts/login/")

    assert '<html lang="en"' in response.text
    assert "<h1>Sign in</h1>" in response.text


def test_korean_browser_gets_korean_pages(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")

    assert response["Content-Language"] == "ko"
    assert '<html lang="ko"' in response.text
    assert "<h1>로그인</h1>" in response.text
    assert "비밀번호" in response.text  # Django's own catalogue: the form's labels


def test_switcher_sets_the_language_and_returns_to_the_page(client):
    response = client.post(
        "/accounts/language/", {"language": "ko", "next": "/accounts/signup/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert "회원가입" in client.get("/accounts/signup/").text


def test_switcher_is_a_post_form_in_the_header(client):
    page = client.get("/").text

    assert '<form class="inline" method="post" action="/accounts/language/">' in page
    assert 'name="language" value="ko" lang="ko">한국어</button>' in page


def test_switcher_keeps_the_choice_on_the_signed_in_user(client_signed_in, user):
    client_signed_in.post("/accounts/language/", {"language": "ko", "next": "/"})

    user.refresh_from_db()
    assert user.language == "ko"


def test_switcher_ignores_a_language_the_site_does_not_offer(client_signed_in, user):
    client_signed_in.post("/accounts/language/", {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == ""
    assert "Signed in as alice" in client_signed_in.get("/").text


def test_stored_language_wins_over_the_browser_on_another_device(user):
    User.objects.filter(pk=user.pk).update(language="ko")
    other_device = Client(HTTP_ACCEPT_LANGUAGE="en")

    sign_in(other_device, "alice")
    response = other_device.get("/")

    assert "alice님으로 로그인되어 있습니다" in response.text
    # The device keeps the choice for when it is signed out.
    assert other_device.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"


def test_signup_keeps_the_language_of_the_page(client):
    client.post(
        "/accounts/signup/",
        {
            "username": "minji",
            "email": "minji@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert User.objects.get(username="minji").language == "ko"


def test_dark_theme_choice_is_kept_on_the_user_and_drawn(client_signed_in, user):
    response = client_signed_in.post("/accounts/theme/", {"theme": "dark", "next": "/"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.theme == "dark"
    assert '<html lang="en" data-theme="dark">' in client_signed_in.get("/").text


def test_stored_theme_follows_the_user_to_another_device(user):
    User.objects.filter(pk=user.pk).update(theme="dark")
    other_device = Client()

    sign_in(other_device, "alice")

    assert 'data-theme="dark"' in other_device.get("/").text


def test_theme_choice_of_a_visitor_is_kept_in_a_cookie(client):
    client.post("/accounts/theme/", {"theme": "light", "next": "/accounts/login/"})

    assert 'data-theme="light"' in client.get("/accounts/login/").text


def test_without_a_choice_the_theme_follows_the_browser(client):
    page = client.get("/").text

    assert "data-theme" not in page.split("<head>")[0]


def test_unknown_theme_falls_back_to_the_browsers(client_signed_in, user):
    client_signed_in.post("/accounts/theme/", {"theme": "neon", "next": "/"})

    user.refresh_from_db()
    assert user.theme == ""
