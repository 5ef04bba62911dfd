import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import AuthEvent
from accounts.selectors import sessions_for_user
from tests.factories import make_user
from tests.helpers.accounts import session_key_of, sign_in, signed_in_client

FIREFOX = (
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"
)

pytestmark = pytest.mark.django_db


def test_admin_lists_users_for_staff(client, staff_user, user):
    sign_in(client, "staff")

    response = client.get("/admin/accounts/user/?q=alice")

    assert response.status_code == 200
    assert "alice@example.com" in response.text


def test_admin_user_list_shows_and_filters_by_verified_email(client, staff_user, user):
    make_user(username="dora", email="dora@example.com", email_verified=False)
    sign_in(client, "staff")

    unverified = client.get("/admin/accounts/user/?email_verified__exact=0")

    assert unverified.status_code == 200
    assert "column-email_verified" in unverified.text
    assert "dora@example.com" in unverified.text
    assert "alice@example.com" not in unverified.text


def test_admin_refuses_signed_in_non_staff(client_signed_in):
    response = client_signed_in.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_admin_refuses_anonymous(client):
    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


# --- Sessions in the admin (issue 3) -----------------------------------------------


@pytest.fixture
def session_staff(db):
    """Staff, not superuser, with the rights to see and end live sessions."""
    staff = make_user(username="support", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_livesession",
                "delete_livesession",
                "view_user",
                "change_user",
            ]
        )
    )
    return staff


@pytest.fixture
def plain_staff(db):
    """Staff without any session rights."""
    staff = make_user(username="intern", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    return staff


def browser(username):
    return signed_in_client(
        username, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.23"
    )


@pytest.mark.usefixtures("server_strategy")
def test_live_sessions_page_lists_sessions_for_permitted_staff(
    client, session_staff, user
):
    browser("alice")
    sign_in(client, "support")

    page = client.get("/admin/accounts/livesession/?user=alice")

    assert page.status_code == 200
    assert "198.51.100.23" in page.text
    assert "Firefox 126 on Ubuntu" in page.text


def test_live_sessions_page_walks_every_session_without_a_filter(
    client, session_staff, user, other_user
):
    browser("alice")
    browser("bob")
    sign_in(client, "support")

    page = client.get("/admin/accounts/livesession/")

    assert page.status_code == 200
    assert ">alice<" in page.text
    assert ">bob<" in page.text


def test_live_sessions_page_is_paginated_and_walks_every_session_once(
    client, session_staff, settings
):
    # 120 sign-ins: a quick hasher keeps this test about paging, not Argon2.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    # All from one address: the sign-in form's per-address limit is not the subject.
    settings.AUTHSITE_LOGIN_FORM_RATE = ""
    for n in range(120):
        browser(make_user(username=f"member{n}").username)
    sign_in(client, "support")

    seen, pages, cursor = [], 0, ""
    while True:
        page = client.get(f"/admin/accounts/livesession/?cursor={cursor}")
        assert page.status_code == 200
        assert len(page.context["rows"]) <= 50
        seen += [name for _entry, name in page.context["rows"]]
        pages += 1
        cursor = page.context["next_cursor"]
        if not cursor:
            break

    assert pages == 3
    expected = [*(f"member{n}" for n in range(120)), "support"]
    assert sorted(seen) == sorted(expected)


def test_live_sessions_page_ignores_a_malformed_cursor(client, session_staff, user):
    browser("alice")
    sign_in(client, "support")

    page = client.get("/admin/accounts/livesession/?cursor=None")

    assert page.status_code == 200
    assert ">alice<" in page.text


def test_admin_revokes_selected_sessions(client, session_staff, user, store):
    alices = browser("alice")
    [entry] = sessions_for_user(user=user)
    sign_in(client, "support")

    response = client.post(
        "/admin/accounts/livesession/?user=alice",
        {"selected": [f"{user.pk}:{entry.id}"]},
    )

    assert response.status_code == 302
    assert store.lacks(session_key_of(alices))
    assert "You are not signed in" in alices.get("/").text
    assert AuthEvent.objects.filter(user=user, kind="admin_revoke").count() == 1


def test_user_page_shows_live_sessions_with_revoke(client, session_staff, user):
    alices = browser("alice")
    [entry] = sessions_for_user(user=user)
    sign_in(client, "support")

    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    revoke = client.post(
        f"/admin/accounts/user/{user.pk}/sessions/revoke/", {"session_id": entry.id}
    )

    assert "198.51.100.23" in page.text
    assert f'value="{entry.id}"' in page.text
    assert revoke.status_code == 302
    assert "You are not signed in" in alices.get("/").text


def test_sign_out_everywhere_action_ends_every_session_of_selected_users(
    client, session_staff, user, other_user
):
    alices = [browser("alice"), browser("alice")]
    bobs = browser("bob")
    sign_in(client, "support")

    response = client.post(
        "/admin/accounts/user/",
        {"action": "sign_out_everywhere", "_selected_action": [user.pk]},
        follow=True,
    )

    assert "2 sessions were signed out" in response.text
    assert sessions_for_user(user=user) == []
    for alice in alices:
        assert "You are not signed in" in alice.get("/").text
    assert "Signed in as bob" in bobs.get("/").text


@pytest.mark.usefixtures("server_strategy")
def test_sign_out_everywhere_removes_the_sessions_from_the_store_at_once(
    client, session_staff, user, store
):
    keys = [session_key_of(browser("alice")) for _ in range(2)]
    sign_in(client, "support")

    client.post(
        "/admin/accounts/user/",
        {"action": "sign_out_everywhere", "_selected_action": [user.pk]},
    )

    assert all(store.lacks(key) for key in keys)


def test_sign_out_everywhere_action_also_refuses_the_users_api_tokens(
    client, session_staff, user, api_client, tokens
):
    api, pair = api_client, tokens
    sign_in(client, "support")

    client.post(
        "/admin/accounts/user/",
        {"action": "sign_out_everywhere", "_selected_action": [user.pk]},
    )

    refreshed = api.post(
        "/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/livesession/",
        "/admin/accounts/authevent/",
    ],
)
def test_staff_without_the_permission_are_refused(client, plain_staff, url):
    sign_in(client, "intern")

    assert client.get(url).status_code == 403


def test_staff_without_the_permission_cannot_revoke_or_sign_out_everywhere(
    client, plain_staff, user
):
    alices = browser("alice")
    [entry] = sessions_for_user(user=user)
    sign_in(client, "intern")

    revoke = client.post(
        f"/admin/accounts/user/{user.pk}/sessions/revoke/", {"session_id": entry.id}
    )
    listing = client.post(
        "/admin/accounts/livesession/", {"selected": [f"{user.pk}:{entry.id}"]}
    )
    action = client.post(
        "/admin/accounts/user/",
        {"action": "sign_out_everywhere", "_selected_action": [user.pk]},
    )

    assert revoke.status_code == 403
    assert listing.status_code == 403
    assert action.status_code in (200, 302)
    assert "Signed in as alice" in alices.get("/").text


@pytest.mark.parametrize(
    "url", ["/admin/accounts/livesession/", "/admin/accounts/authevent/"]
)
def test_non_staff_and_anonymous_are_sent_to_the_admin_login(
    client, client_signed_in, url
):
    anonymous = Client()

    assert client_signed_in.get(url).headers["Location"].startswith("/admin/login/")
    assert anonymous.get(url).headers["Location"].startswith("/admin/login/")


def test_staff_see_every_auth_event(client, staff_user, user):
    browser("alice")
    sign_in(client, "staff")

    page = client.get("/admin/accounts/authevent/")

    assert page.status_code == 200
    assert "alice" in page.text
    assert "signed in" in page.text


def test_admin_index_links_live_sessions_for_permitted_staff(client, session_staff):
    sign_in(client, "support")

    page = client.get("/admin/")

    assert page.status_code == 200
    assert 'href="/admin/accounts/livesession/"' in page.text


def test_sign_in_event_log_is_read_only_even_for_superusers(client, staff_user, user):
    browser("alice")
    sign_in(client, "staff")
    event = AuthEvent.objects.filter(user=user).first()

    listing = client.get("/admin/accounts/authevent/")
    delete = client.get(f"/admin/accounts/authevent/{event.pk}/delete/")
    add = client.get("/admin/accounts/authevent/add/")
    bulk = client.post(
        "/admin/accounts/authevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert "delete_selected" not in listing.text
    assert delete.status_code == 403
    assert add.status_code == 403
    assert bulk.status_code in (200, 302)
    assert AuthEvent.objects.filter(pk=event.pk).exists()
    change = client.get(f"/admin/accounts/authevent/{event.pk}/change/")
    assert 'type="submit"' not in change.text.split('id="content-main"')[1]


def test_user_page_shows_live_sessions_before_the_personal_info(
    client, staff_user, user
):
    browser("alice")
    sign_in(client, "staff")

    page = client.get(f"/admin/accounts/user/{user.pk}/change/").text

    assert page.index("Live sessions") < page.index("Personal info")
