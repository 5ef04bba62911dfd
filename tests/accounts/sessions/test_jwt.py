"""The `jwt` strategy: pages signed in by an access-token cookie, renewed silently."""

import re
import time
from io import StringIO

import jwt as pyjwt
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django_redis import get_redis_connection
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.selectors import sessions_for_user
from accounts.sessions import timeouts
from accounts.tokens import claims as tokens_claims
from accounts.tokens import cookies, issue, keys
from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def jwt_strategy(use_strategy):
    return use_strategy("jwt")


def access_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def refresh_of(client) -> str:
    return client.cookies[cookies.refresh_cookie_name()].value


def claims(token: str) -> dict:
    return pyjwt.decode(token, options={"verify_signature": False})


def browser(**extra) -> Client:
    client = Client(**extra)
    assert sign_in(client, "alice", remember_me="on").status_code == 302
    return client


def redis_calls() -> dict[str, int]:
    stats = get_redis_connection("default").info("commandstats")
    return {name: value["calls"] for name, value in stats.items()}


def test_sign_in_sets_an_access_and_a_refresh_cookie_both_httponly(user):
    client = Client()

    response = sign_in(client, "alice", remember_me="on")

    access = response.cookies[settings.SESSION_COOKIE_NAME]
    refresh = response.cookies[cookies.refresh_cookie_name()]
    assert access.key == cookies.access_cookie_name()
    for cookie in (access, refresh):
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
    assert refresh["max-age"] == settings.JWT_REFRESH_TOKEN_LIFETIME
    assert claims(access.value)["sid"] == claims(refresh.value)["jti"]
    assert claims(access.value)["token_type"] == "access"


def test_signed_in_page_view_is_one_redis_command_and_no_store_or_query(
    user, django_assert_num_queries
):
    client = browser()
    client.get("/accounts/profile/")  # the user's record is warm now
    before = redis_calls()

    # A page that shows only the user (the account home reads the activity log and
    # the session list on purpose).
    with django_assert_num_queries(0):
        response = client.get("/accounts/profile/")

    after = redis_calls()
    delta = {
        name: after.get(name, 0) - before.get(name, 0)
        for name in after
        if name != "cmdstat_info" and after.get(name, 0) != before.get(name, 0)
    }
    assert "<strong>alice</strong>" in response.text
    assert delta == {"cmdstat_hgetall": 1}
    # Nothing was saved: no session, access or refresh cookie is sent again.
    assert not set(response.cookies) & {
        settings.SESSION_COOKIE_NAME,
        cookies.refresh_cookie_name(),
        "sessionid",
    }


def test_nothing_is_written_to_the_sessions_redis_database(user, sessions_redis):
    client = browser()
    client.get("/")
    client.post(
        "/accounts/profile/",
        {"first_name": "A", "last_name": "L", "email": "alice@example.com"},
    )

    prefix = settings.REDIS_KEY_PREFIX
    assert list(sessions_redis.scan_iter(match=f"{prefix}*")) == []


def test_expired_access_token_is_renewed_from_the_refresh_cookie(user):
    client = browser()
    old_refresh = refresh_of(client)
    # The browser keeps the cookie; the token inside has run out.
    expired = claims(access_of(client)) | {"exp": int(time.time()) - 60}
    site_keys = keys.jwt_keys()
    client.cookies[settings.SESSION_COOKIE_NAME] = pyjwt.encode(
        expired,
        site_keys.signing_key,
        algorithm=site_keys.algorithm,
        headers={"kid": site_keys.signing_kid},
    )

    response = client.get("/")

    assert "Signed in as alice" in response.text
    new_refresh = response.cookies[cookies.refresh_cookie_name()].value
    new_access = response.cookies[settings.SESSION_COOKIE_NAME].value
    assert claims(new_access)["sid"] == claims(new_refresh)["jti"]
    assert BlacklistedToken.objects.filter(
        token__jti=claims(old_refresh)["jti"]
    ).exists()
    [entry] = sessions_for_user(user=user, current_session_key=new_access)
    assert entry.current


def test_missing_access_cookie_is_renewed_from_the_refresh_cookie(user):
    client = browser()
    del client.cookies[settings.SESSION_COOKIE_NAME]

    assert "Signed in as alice" in client.get("/").text


def test_a_used_refresh_token_renews_nothing(user):
    client = browser()
    stolen = refresh_of(client)
    del client.cookies[settings.SESSION_COOKIE_NAME]
    client.get("/")  # the real browser renews: the stolen copy is used up
    thief = Client()
    thief.cookies[cookies.refresh_cookie_name()] = stolen

    response = thief.get("/")

    assert "You are not signed in" in response.text
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Signed in as alice" in client.get("/").text


def test_a_renewal_lost_to_another_tab_leaves_the_refresh_cookie_alone(user):
    client = browser()
    # Another tab of this browser is renewing with the same refresh token: it has
    # claimed it, and its answer will set the new cookies.
    assert issue.refresh_claim(
        refresh=tokens_claims.refresh_token_read(refresh_of(client))
    )
    del client.cookies[settings.SESSION_COOKIE_NAME]

    response = client.get("/")

    assert "You are not signed in" in response.text
    assert cookies.refresh_cookie_name() not in response.cookies


def test_a_refused_refresh_token_is_cleared(user):
    client = browser()
    client.post("/accounts/sessions/revoke-others/")  # nothing else to end
    refresh = refresh_of(client)
    client.post("/accounts/logout/")
    other = Client()
    other.cookies[cookies.refresh_cookie_name()] = refresh

    response = other.get("/")

    assert "You are not signed in" in response.text
    assert response.cookies[cookies.refresh_cookie_name()].value == ""


def test_logout_blacklists_the_refresh_token_and_clears_both_cookies(user):
    client = browser()
    jti = claims(refresh_of(client))["jti"]

    response = client.post("/accounts/logout/")

    assert BlacklistedToken.objects.filter(token__jti=jti).exists()
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""
    assert response.cookies[cookies.refresh_cookie_name()].value == ""
    assert sessions_for_user(user=user) == []


def test_session_ended_elsewhere_signs_that_browser_out_on_its_next_request(user):
    victim = browser(REMOTE_ADDR="198.51.100.9")
    refresh_sent = refresh_of(victim)
    mine = browser()
    [entry] = [e for e in sessions_for_user(user=user) if e.ip == "198.51.100.9"]

    mine.post("/accounts/sessions/revoke/", {"session_id": entry.id})

    response = victim.get("/")
    assert "You are not signed in" in response.text
    # The refresh cookie goes; the access cookie stays while the reason is kept, to
    # name the ended sign-in to the sign-in page, and signs nobody in.
    assert response.cookies[cookies.refresh_cookie_name()].value == ""
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "You are not signed in" in victim.get("/").text
    # Its refresh token cannot bring it back either.
    victim.cookies[cookies.refresh_cookie_name()] = refresh_sent
    del victim.cookies[settings.SESSION_COOKIE_NAME]
    assert "You are not signed in" in victim.get("/").text


def test_password_change_issues_new_tokens_for_this_browser(user):
    client = browser()
    old_access, old_refresh = access_of(client), refresh_of(client)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-Brand-new-passphrase-7",
            "new_password2": "a-Brand-new-passphrase-7",
        },
    )

    assert response.status_code == 302
    assert access_of(client) != old_access
    assert refresh_of(client) != old_refresh
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = old_access
    stale.cookies[cookies.refresh_cookie_name()] = old_refresh
    assert "You are not signed in" in stale.get("/").text


def test_flash_messages_travel_in_a_cookie(user):
    client = browser()

    response = client.post(
        "/accounts/profile/",
        {"first_name": "A", "last_name": "L", "email": "alice@example.com"},
    )

    assert "messages" in response.cookies or "__Host-messages" in response.cookies
    assert "Your profile was saved." in client.get("/accounts/profile/").text


def test_refresh_is_refused_past_the_absolute_timeout(user, settings):
    client = browser()
    session = client.session
    session[timeouts.STARTED_KEY] -= settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT + 1
    session.save()
    del client.cookies[settings.SESSION_COOKIE_NAME]

    assert "You are not signed in" in client.get("/").text


def test_api_sign_in_is_a_session_and_ending_it_refuses_its_access_token(
    user, api_client, obtain
):
    api = api_client
    pair = obtain(HTTP_USER_AGENT="curl/8.5.0").json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {pair['access']}"}
    [entry] = sessions_for_user(user=user)
    assert entry.device.startswith("curl")

    browser().post("/accounts/sessions/revoke/", {"session_id": entry.id})

    response = api.get("/api/me/", **headers)
    assert response.status_code == 401
    assert response.json()["code"] == "session_ended"


def test_api_refresh_keeps_the_sign_in_listed(user, api_client, tokens):
    api, pair = api_client, tokens

    renewed = api.post(
        "/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    ).json()

    [entry] = sessions_for_user(
        user=user, current_index_key=claims(renewed["access"])["sid"]
    )
    assert entry.current
    me = api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {renewed['access']}")
    assert me.status_code == 200


def test_without_remember_me_both_cookies_end_with_the_browser(user):
    response = sign_in(Client(), "alice")

    for name in (settings.SESSION_COOKIE_NAME, cookies.refresh_cookie_name()):
        assert response.cookies[name]["max-age"] == ""
        assert response.cookies[name]["expires"] == ""


@pytest.fixture
def record_redis(stoppable_redis):
    """The `default` Redis (the users' token records) on a server this test may stop."""
    return stoppable_redis("default")


def test_signed_in_page_answers_503_when_the_token_records_are_unreachable(
    record_redis, user
):
    client = browser()
    record_redis.stop()

    response = client.get("/")

    assert response.status_code == 503
    assert "Sign-in is temporarily unavailable" in response.text


def test_sessionstats_counts_sign_ins_from_the_token_records(user, other_user):
    browser()
    browser()
    bobs = Client()
    sign_in(bobs, "bob")
    out = StringIO()

    call_command("sessionstats", stdout=out)

    lines = out.getvalue().splitlines()
    assert "strategy: jwt" in lines
    assert "live sessions: 3" in lines
    assert "users with sessions: 2" in lines
    assert re.fullmatch(r"bytes per session: \d+", lines[-1])


def test_admin_live_sessions_page_walks_the_token_records(user, staff_user):
    browser(REMOTE_ADDR="198.51.100.31")
    admin = Client()
    sign_in(admin, "staff")

    page = admin.get("/admin/accounts/livesession/")

    assert page.status_code == 200
    assert "198.51.100.31" in page.text


def test_signed_in_forms_still_need_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/accounts/login/").cookies[settings.CSRF_COOKIE_NAME].value
    sign_in(client, "alice", csrfmiddlewaretoken=token)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value  # rotated at sign-in
    form = {"first_name": "A", "last_name": "L", "email": "alice@example.com"}

    refused = client.post("/accounts/profile/", form)
    accepted = client.post("/accounts/profile/", {**form, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302


def test_api_cookie_mode_sets_the_cookies_the_pages_sign_in_with(user, settings):
    settings.JWT_COOKIE = True
    client = Client()
    response = client.post(
        "/api/auth/token/",
        {"username": "alice", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.cookies[cookies.refresh_cookie_name()]["path"] == "/"
    assert "Signed in as alice" in client.get("/").text


def test_warm_api_call_checks_its_sign_in_in_the_same_single_command(
    user, api_client, tokens, django_assert_num_queries
):
    api, pair = api_client, tokens
    headers = {"HTTP_AUTHORIZATION": f"Bearer {pair['access']}"}
    api.get("/api/me/", **headers)
    before = redis_calls()

    with django_assert_num_queries(0):
        assert api.get("/api/me/", **headers).status_code == 200

    after = redis_calls()
    changed = {
        name: after[name] - before.get(name, 0)
        for name in after
        if name != "cmdstat_info" and after[name] != before.get(name, 0)
    }
    assert changed == {"cmdstat_hgetall": 1}


def test_sign_ins_from_before_a_password_set_elsewhere_leave_the_list(user):
    old = browser()
    user.set_password("a-Brand-new-passphrase-7")  # as the admin's password form does
    user.save()
    new = Client()
    sign_in(new, "alice", "a-Brand-new-passphrase-7")
    new.get("/")

    rows = sessions_for_user(user=user, current_session_key=access_of(new))

    assert [row.current for row in rows] == [True]
    assert "You are not signed in" in old.get("/").text


def test_api_logout_ends_the_sign_in_and_its_access_token_at_once(
    user, api_client, tokens
):
    api, pair = api_client, tokens

    api.post("/api/auth/logout/", {"refresh": pair["refresh"]}, format="json")

    assert sessions_for_user(user=user) == []
    me = api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.status_code == 401
