import pytest
from django.conf import settings
from django.test import Client

from accounts.selectors import sessions_for_user
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db


def test_sessions_page_requires_sign_in(client):
    response = client.get("/accounts/sessions/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/accounts/sessions/"


@pytest.mark.usefixtures("strategy")
def test_sessions_page_marks_this_device(client_signed_in):
    page = client_signed_in.get("/accounts/sessions/")

    assert page.status_code == 200
    assert "This device" in page.text
    assert "Signed in" in page.text  # the recent activity list


@pytest.mark.usefixtures("server_strategy")
def test_sessions_page_lists_other_sessions_with_sign_out_buttons(
    client_signed_in, user
):
    sign_in(Client(REMOTE_ADDR="198.51.100.4"), "alice")

    page = client_signed_in.get("/accounts/sessions/").text

    assert "198.51.100.4" in page
    [other] = [e for e in sessions_for_user(user=user) if e.ip == "198.51.100.4"]
    assert f'value="{other.id}"' in page
    assert "Sign out all other sessions" in page


@pytest.mark.parametrize("strategy", ["signed_cookies", "local"], indirect=True)
def test_sessions_page_says_what_the_server_cannot_revoke(strategy, client_signed_in):
    page = client_signed_in.get("/accounts/sessions/").text

    assert "What this site cannot do" in page
    assert "cannot end" in page or "neither seen nor ended" in page


@pytest.mark.parametrize("strategy", ["redis", "db", "memcached", "jwt"], indirect=True)
def test_sessions_page_makes_no_excuses_when_it_can_revoke(strategy, client_signed_in):
    page = client_signed_in.get("/accounts/sessions/").text

    assert "What this site cannot do" not in page


def test_revoke_by_get_is_refused(client_signed_in):
    response = client_signed_in.get("/accounts/sessions/revoke/")

    assert response.status_code == 405


def test_revoke_requires_csrf_token(user):
    victim = Client()
    sign_in(victim, "alice")
    attacker_driven = Client(enforce_csrf_checks=True)
    token = attacker_driven.get("/accounts/login/").cookies[settings.CSRF_COOKIE_NAME]
    sign_in(attacker_driven, "alice", csrfmiddlewaretoken=token.value)

    response = attacker_driven.post("/accounts/sessions/revoke-others/")

    assert response.status_code == 403
    assert "Signed in as alice" in victim.get("/").text


def test_revoking_an_unknown_session_says_so_and_changes_nothing(client_signed_in):
    page = client_signed_in.post(
        "/accounts/sessions/revoke/", {"session_id": "nope"}, follow=True
    )

    assert "already ended" in page.text
    assert "Signed in as alice" in client_signed_in.get("/").text


def test_home_page_and_nav_link_to_the_sessions_page(client_signed_in):
    page = client_signed_in.get("/").text

    assert page.count('href="/accounts/sessions/"') == 2


def test_sessions_page_labels_each_value_for_narrow_screens(client_signed_in):
    sign_in(Client(REMOTE_ADDR="198.51.100.4"), "alice")

    page = client_signed_in.get("/accounts/sessions/").text

    # On a phone the table becomes one card per session, each value after its name.
    for label in ("IP address", "Signed in", "Last active", "Ends"):
        assert page.count(f'data-label="{label}"') == 2


def test_session_seen_less_than_a_minute_ago_was_active_just_now(client_signed_in):
    sign_in(Client(REMOTE_ADDR="198.51.100.4"), "alice")

    page = client_signed_in.get("/accounts/sessions/").text

    assert "Just now" in page
    assert "0\xa0minutes ago" not in page


def test_this_device_is_listed_first_even_when_another_signed_in_later(user):
    client = Client(REMOTE_ADDR="203.0.113.1")
    sign_in(client, "alice")
    sign_in(Client(REMOTE_ADDR="198.51.100.4"), "alice")

    page = client.get("/accounts/sessions/").text

    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert rows.index("This device") < rows.index("198.51.100.4")
    assert rows.index("203.0.113.1") < rows.index("198.51.100.4")
