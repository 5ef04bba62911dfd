"""OWASP ASVS 5.0.0 V7 Session management: the requirements that apply to the HTML
site, one test per requirement, named after its id.

V7.5.2 is met in part: users see and end any or all of their sessions, but ending one
does not ask for the password again (the signed-in session and the CSRF token suffice).
"""

import math
import re
import string

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.selectors import sessions_for_user
from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in, sign_in_age
from tests.security.probes import (
    NEW_PASSWORD,
    reset_password_by_email,
    session_key_of,
    shift_session_clock,
    signed_in_as,
)

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


@pytest.mark.django_db
@pytest.mark.parametrize("whose", ["one user", "all users"])
def test_v7_4_5_administrators_end_the_sessions_of_one_user_or_of_all_users(
    client, staff_user, user, other_user, whose
):
    alice, bob = Client(), Client()
    sign_in(alice, "alice")
    sign_in(bob, "bob")
    client.force_login(staff_user)
    selection = (
        {"_selected_action": [user.pk]}
        if whose == "one user"
        else {"_selected_action": [user.pk], "select_across": "1"}
    )

    response = client.post(
        "/admin/accounts/user/",
        {"action": "sign_out_everywhere", "index": "0", **selection},
    )

    assert response.status_code == 302
    assert signed_in_as(alice) is None
    assert signed_in_as(bob) == (None if whose == "all users" else "bob")


# --- V7.5 Defenses against session abuse ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("current_password", ["", "not-the-password-1"])
def test_v7_5_1_email_change_requires_the_current_password(
    client_signed_in, user, current_password
):
    # A sign-in whose password was checked more than AUTHSITE_REAUTH_TIMEOUT ago (a
    # fresh one has just given it, and may change the address without typing it).
    sign_in_age(client_signed_in, 10 * 60)
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


@pytest.mark.django_db
def test_v7_5_2_users_see_their_sessions_and_end_any_or_all_of_them(
    client_signed_in, user
):
    phone, laptop = (
        Client(REMOTE_ADDR="198.51.100.4"),
        Client(REMOTE_ADDR="198.51.100.5"),
    )
    sign_in(phone, "alice")
    sign_in(laptop, "alice")

    page = client_signed_in.get("/accounts/sessions/").text
    [on_phone] = [e for e in sessions_for_user(user=user) if e.ip == "198.51.100.4"]
    client_signed_in.post("/accounts/sessions/revoke/", {"session_id": on_phone.id})
    after_one = (signed_in_as(phone), signed_in_as(laptop))
    client_signed_in.post("/accounts/sessions/revoke-others/")

    assert "198.51.100.4" in page
    assert "198.51.100.5" in page
    assert "This device" in page
    assert after_one == (None, "alice")
    assert signed_in_as(laptop) is None
    assert signed_in_as(client_signed_in) == "alice"
