"""OWASP ASVS 5.0.0: the session-management (V7), authentication (V6), cookie (V3.3),
header (V3.4), request-forgery (V3.5) and mass-assignment (V15.3.3) requirements that
apply to the HTML site. One test per requirement, named after its id.

Not here yet: V6.3.1 (brute force, lockout without lockout-DoS) arrives with the lockout
work (issue 4); V7.5.2 and V7.4.5 (users and admins ending sessions) with the sessions
page (issue 3). Not met: V6.2.12 (breached-password check) and V6.3.8 for signup, whose
form says when an email address is taken (see README, Security review).
"""

import math
import re
import string
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_user
from tests.security.probes import (
    cookies_of_a_visit,
    csp_directives,
    login_page_error,
    medians_of,
    reset_password_by_email,
    session_key_of,
    shift_session_clock,
    signed_in_as,
    signup_with_password,
    timed_form_post,
)

NEW_PASSWORD = "a-Brand-new-passphrase-7"
SESSION_KEY_CHARS = set(string.ascii_letters + string.digits)


# --- V7.2 Fundamental session management security ----------------------------------


@pytest.mark.django_db
def test_v7_2_3_session_token_has_at_least_128_bits_of_entropy(client, user):
    sign_in(client, "alice")
    key = session_key_of(client)

    # The redis strategy's engine draws each of 22 characters from 62 with the secrets
    # module (Django's get_random_string): ~131 bits.
    assert len(key) * math.log2(len(SESSION_KEY_CHARS)) >= 128
    assert set(key) <= SESSION_KEY_CHARS
    assert len(set(key)) > 8


@pytest.mark.django_db
def test_v7_2_4_new_session_token_on_authentication(
    client, user, sessions_redis, session_redis_key
):
    # An attacker plants a session id of their own in the victim's browser.
    planted = client.session
    planted["planted"] = True
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    sign_in(client, "alice")

    assert session_key_of(client) != planted.session_key
    assert not sessions_redis.exists(session_redis_key(planted.session_key))
    fixed = Client()
    fixed.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert signed_in_as(fixed) is None
    assert signed_in_as(client) == "alice"


# --- V7.3 Session timeout -------------------------------------------------------------


@pytest.mark.django_db
def test_v7_3_1_inactivity_timeout_forces_sign_in(client_signed_in):
    idle = settings.AUTHSITE_SESSION_IDLE_TIMEOUT
    shift_session_clock(client_signed_in, started_ago=idle + 5, seen_ago=idle + 1)

    response = client_signed_in.get("/accounts/profile/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_v7_3_2_absolute_session_lifetime_forces_sign_in(client_signed_in):
    absolute = settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT
    shift_session_clock(client_signed_in, started_ago=absolute + 1, seen_ago=1)

    response = client_signed_in.get("/accounts/profile/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


# --- V7.4 Session termination -----------------------------------------------------------


@pytest.mark.django_db
def test_v7_4_1_logout_invalidates_the_session_on_the_server(
    client_signed_in, sessions_redis, session_redis_key
):
    key = session_key_of(client_signed_in)

    client_signed_in.post("/accounts/logout/")

    assert not sessions_redis.exists(session_redis_key(key))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert signed_in_as(replay) is None


@pytest.mark.django_db
def test_v7_4_2_disabled_account_loses_its_sessions(client_signed_in, user):
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert signed_in_as(client_signed_in) is None


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["password change", "password reset"])
def test_v7_4_3_other_sessions_end_after_a_password_change(
    client_signed_in, user, how, sessions_redis, session_redis_key
):
    other = Client()
    sign_in(other, "alice")
    other_key = session_redis_key(session_key_of(other))

    if how == "password change":
        client_signed_in.post(
            "/accounts/password/change/",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
    else:
        reset_password_by_email(Client(), "alice@example.com", NEW_PASSWORD)

    assert signed_in_as(other) is None
    assert not sessions_redis.exists(other_key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/profile/", "/accounts/password/change/"],
)
def test_v7_4_4_every_signed_in_page_offers_logout(client_signed_in, path):
    page = client_signed_in.get(path).text

    assert re.search(r'<form[^>]+method="post"[^>]+action="/accounts/logout/"', page)
    assert "Sign out" in page


# --- V7.5 Defenses against session abuse ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("current_password", ["", "not-the-password-1"])
def test_v7_5_1_email_change_requires_the_current_password(
    client_signed_in, user, current_password
):
    response = client_signed_in.post(
        "/accounts/profile/",
        {
            "first_name": "Alice",
            "last_name": "",
            "email": "attacker@example.com",
            "current_password": current_password,
        },
    )

    assert response.status_code == 200
    assert "current_password" in response.context["form"].errors
    user.refresh_from_db()
    assert (user.email, user.first_name) == ("alice@example.com", "")


# --- V6.2 Password security -------------------------------------------------------------


@pytest.mark.django_db
def test_v6_2_1_passwords_shorter_than_8_characters_are_refused(client):
    response = signup_with_password(client, "shorty", "Xq7!pZ2")

    assert response.status_code == 200
    assert "This password is too short" in response.text
    assert not User.objects.filter(username="shorty").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "iloveyou1"])
def test_v6_2_4_common_passwords_are_refused(client, password):
    response = signup_with_password(client, "commoner", password)

    assert response.status_code == 200
    assert "too common" in response.text
    assert not User.objects.filter(username="commoner").exists()


@pytest.mark.django_db
def test_v6_2_5_passwords_of_any_composition_are_accepted(client):
    # Lower case letters only, no digit or symbol: length is what counts.
    response = signup_with_password(client, "plain", "zebra quietly juggles mangoes")

    assert response.status_code == 302


@pytest.mark.django_db
def test_v6_2_3_password_change_requires_the_current_password(client_signed_in, user):
    response = client_signed_in.post(
        "/accounts/password/change/",
        {
            "old_password": "not-the-password-1",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/change/",
    ],
)
def test_v6_2_6_password_fields_are_masked(client_signed_in, path):
    page = (client_signed_in if "change" in path else Client()).get(path).text
    fields = re.findall(r'<input[^>]+name="(?:old_|new_)?password\d?"[^>]*>', page)

    assert fields
    assert all('type="password"' in field for field in fields)


@pytest.mark.django_db
def test_v6_2_8_password_is_verified_exactly_as_typed(client):
    long_password = "Tr0ub4dor&3-" * 8  # 96 characters: no truncation either
    make_user(username="exact", password=long_password)

    variants = [long_password.upper(), long_password[:-1], long_password + " "]
    refused = [sign_in(Client(), "exact", variant).status_code for variant in variants]
    accepted = sign_in(client, "exact", long_password)

    assert refused == [200, 200, 200]
    assert accepted.status_code == 302


@pytest.mark.django_db
def test_v6_2_9_passwords_of_64_characters_and_more_are_accepted(client):
    password = "correct horse battery staple " * 3  # 87 characters, spaces included

    response = client.post(
        "/accounts/signup/",
        {
            "username": "longpass",
            "email": "longpass@example.com",
            "password1": password,
            "password2": password,
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="longpass").check_password(password)


@pytest.mark.django_db
def test_v6_3_2_no_default_accounts_exist_after_migration():
    # The test database is built by the migrations alone.
    assert not User.objects.exists()


# --- V6.3.8 No user enumeration --------------------------------------------------------


@pytest.mark.parametrize("flow", ["login", "password reset"])
def test_v6_3_8_no_user_enumeration_by_answer_or_response_time(
    https_client, production_site, unique_name, flow
):
    """Known and unknown accounts get the same answer, and medians of interleaved
    response times within 20 % of each other (measured against gunicorn, where work
    done after the response does not count, as for a real client)."""
    assert https_client.signup(unique_name).status_code == 302
    https_client.post_form("/accounts/logout/", {}, form_path="/")
    if flow == "login":
        path = "/accounts/login/"
        known = {"username": unique_name, "password": "Wrong-password-42"}
        unknown = {"username": f"x{unique_name}", "password": "Wrong-password-42"}
    else:
        path = "/accounts/password/reset/"
        known = {"email": f"{unique_name}@example.com"}
        unknown = {"email": f"x{unique_name}@example.com"}
    send_known = timed_form_post(https_client, path, known)
    send_unknown = timed_form_post(https_client, path, unknown)

    # A leak shows in every measurement; a burst of load on a shared machine does
    # not, so up to three measurements are taken and one within 20 % settles it.
    ratios = []
    for _attempt in range(3):
        known_time, unknown_time = medians_of(send_known, send_unknown)
        ratios.append(max(known_time, unknown_time) / min(known_time, unknown_time))
        print(
            f"{flow}: known {known_time * 1e3:.2f} ms, unknown {unknown_time * 1e3:.2f} ms"
        )
        if ratios[-1] <= 1.2:
            break

    a, b = send_known.last, send_unknown.last
    assert a.status_code == b.status_code
    assert a.headers.get("Location") == b.headers.get("Location")
    if flow == "login":
        assert login_page_error(a.text) == login_page_error(b.text)
    else:
        log = Path(production_site.log_path).read_text()
        assert f"To: {unique_name}@example.com" in log
        assert f"To: x{unique_name}@example.com" not in log
    assert min(ratios) <= 1.2, f"slower/faster medians: {ratios}"


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
def test_v3_5_3_sign_out_refuses_the_safe_get_method(client_signed_in):
    response = client_signed_in.get("/accounts/logout/")

    assert response.status_code == 405
    assert signed_in_as(client_signed_in) == "alice"


# --- V15.3.3 Mass assignment ---------------------------------------------------------------

PRIVILEGE_FIELDS = {"is_staff": "on", "is_superuser": "on", "is_active": ""}


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["signup", "profile"])
def test_v15_3_3_privilege_fields_sent_to_forms_change_nothing(client, form):
    if form == "signup":
        client.post(
            "/accounts/signup/",
            {
                "username": "mallory",
                "email": "mallory@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                **PRIVILEGE_FIELDS,
            },
        )
    else:
        make_user(username="mallory")
        sign_in(client, "mallory")
        client.post(
            "/accounts/profile/",
            {
                "first_name": "M",
                "last_name": "",
                "email": "mallory@example.com",
                "username": "root",
                **PRIVILEGE_FIELDS,
            },
        )

    user = User.objects.get(username="mallory")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert not User.objects.filter(username="root").exists()
