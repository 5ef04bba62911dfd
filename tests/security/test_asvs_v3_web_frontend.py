"""OWASP ASVS 5.0.0 V3 Web frontend security: cookie setup (V3.3), browser security
headers (V3.4) and request forgery (V3.5), one test per requirement, named after its id.
"""

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD
from tests.security.probes import (
    NEW_PASSWORD,
    cookies_of_a_visit,
    csp_directives,
    session_key_of,
    signed_in_as,
)

# --- V3.3 Cookie setup (production settings, behind the TLS proxy) ---------------------


def test_v3_3_1_cookies_are_secure_and_prefixed(https_client, unique_name):
    headers = cookies_of_a_visit(https_client, unique_name)

    names = {header.split("=", 1)[0] for header in headers}
    assert {"__Host-sessionid", "__Host-csrftoken", "__Host-messages"} <= names
    for header in headers:
        assert "; Secure" in header, header
        assert header.startswith(("__Host-", "__Secure-")), header


def test_v3_3_2_cookies_are_samesite_lax(https_client, unique_name):
    headers = cookies_of_a_visit(https_client, unique_name)

    assert headers
    assert all("SameSite=Lax" in header for header in headers)


def test_v3_3_3_cookies_use_the_host_prefix(https_client, unique_name):
    headers = cookies_of_a_visit(https_client, unique_name)

    for header in headers:
        assert header.startswith("__Host-"), header
        assert "Path=/" in header
        assert "Domain=" not in header


def test_v3_3_4_session_cookie_is_httponly(https_client, unique_name):
    headers = cookies_of_a_visit(https_client, unique_name)

    # Deletions (Max-Age=0) carry no value worth protecting.
    kept = [h for h in headers if "Max-Age=0" not in h]
    session = [h for h in kept if h.startswith("__Host-sessionid=")]
    csrf = [h for h in kept if h.startswith("__Host-csrftoken=")]
    assert session
    assert csrf
    assert all("HttpOnly" in header for header in session + csrf)


# --- V3.4 Browser security mechanism headers (production settings) ---------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/"])
def test_v3_4_3_content_security_policy_allows_only_the_site(https_client, path):
    directives = csp_directives(https_client, path)

    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/"])
def test_v3_4_6_no_page_can_be_framed(https_client, path):
    assert csp_directives(https_client, path)["frame-ancestors"] == "'none'"


# --- V3.5 Browser origin separation ------------------------------------------------------

# Every form that changes state, with data that would pass its validation.
STATE_CHANGING_FORMS = {
    "signup": (
        "/accounts/signup/",
        {
            "username": "csrfvictim",
            "email": "csrfvictim@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    ),
    "login": ("/accounts/login/", {"username": "staff", "password": PASSWORD}),
    "logout": ("/accounts/logout/", {}),
    "profile": (
        "/accounts/profile/",
        {"first_name": "Forged", "last_name": "", "email": "staff@example.com"},
    ),
    "password change": (
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    "password reset": ("/accounts/password/reset/", {"email": "staff@example.com"}),
    "admin login": ("/admin/login/", {"username": "staff", "password": PASSWORD}),
    "admin add user": (
        "/admin/accounts/user/add/",
        {"username": "forged", "password1": PASSWORD, "password2": PASSWORD},
    ),
    "admin change user": (
        "/admin/accounts/user/{pk}/change/",
        {"username": "staff", "email": "x@example.com", "is_superuser": "on"},
    ),
    "admin delete user": ("/admin/accounts/user/{pk}/delete/", {"post": "yes"}),
    "admin logout": ("/admin/logout/", {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("form", STATE_CHANGING_FORMS)
def test_v3_5_1_every_state_changing_form_requires_the_csrf_token(
    staff_user, form, sessions_redis, session_redis_key
):
    path, data = STATE_CHANGING_FORMS[form]
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(staff_user)
    key = session_key_of(forger)
    before = list(User.objects.order_by("pk").values())

    response = forger.post(path.format(pk=staff_user.pk), data)

    assert response.status_code == 403
    assert list(User.objects.order_by("pk").values()) == before
    assert sessions_redis.exists(session_redis_key(key))
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_v3_5_3_sign_out_by_the_safe_get_method_signs_no_one_out(client_signed_in):
    # GET shows a page with the sign-out button; only its POST signs out.
    response = client_signed_in.get("/accounts/logout/")

    assert response.status_code == 200
    assert signed_in_as(client_signed_in) == "alice"
