"""Times in the user's time zone: from the browser at sign-in, changeable on the
profile, UTC until known."""

import zoneinfo

import pytest
from django.test import Client

from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db


def test_times_are_in_utc_until_the_time_zone_is_known(client_signed_in, user):
    page = client_signed_in.get("/accounts/sessions/").text

    assert user.time_zone == ""
    assert " UTC</time>" in page


def test_sign_in_keeps_the_browsers_time_zone(client, user):
    sign_in(client, "alice", time_zone="Asia/Seoul")

    user.refresh_from_db()
    page = client.get("/accounts/sessions/").text

    assert user.time_zone == "Asia/Seoul"
    assert " KST</time>" in page


def test_sign_in_ignores_a_time_zone_that_does_not_exist(client, user):
    sign_in(client, "alice", time_zone="Mars/Olympus_Mons")

    user.refresh_from_db()
    assert user.time_zone == ""


def test_sign_in_does_not_replace_a_time_zone_chosen_on_the_profile(client, user):
    user.time_zone = "Europe/Paris"
    user.save(update_fields=["time_zone"])

    sign_in(client, "alice", time_zone="Asia/Seoul")

    user.refresh_from_db()
    assert user.time_zone == "Europe/Paris"


def test_profile_changes_the_time_zone(client_signed_in, user):
    response = client_signed_in.post(
        "/accounts/profile/",
        {
            "first_name": "",
            "last_name": "",
            "email": user.email,
            "time_zone": "America/New_York",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.time_zone == "America/New_York"


def test_profile_refuses_an_unknown_time_zone(client_signed_in, user):
    response = client_signed_in.post(
        "/accounts/profile/",
        {
            "first_name": "",
            "last_name": "",
            "email": user.email,
            "time_zone": "Nowhere",
        },
    )

    assert response.status_code == 200
    assert 'id="id_time_zone_error"' in response.text


def test_one_users_time_zone_does_not_leak_into_the_next_request(
    client, user, other_user
):
    sign_in(client, "alice", time_zone="Asia/Seoul")
    client.get("/accounts/sessions/")
    bob = Client()
    sign_in(bob, "bob")

    page = bob.get("/accounts/sessions/").text

    assert " UTC</time>" in page
    assert " KST</time>" not in page


def test_profile_page_does_not_walk_the_time_zone_folders_per_request(
    client_signed_in, monkeypatch
):
    # The first request of a process may read the folders; the next ones must not
    # (about 4 ms a walk).
    client_signed_in.get("/accounts/profile/")
    walks = []
    real = zoneinfo.available_timezones
    monkeypatch.setattr(
        zoneinfo, "available_timezones", lambda: walks.append(1) or real()
    )

    page = client_signed_in.get("/accounts/profile/")
    client_signed_in.post("/accounts/profile/", {"time_zone": "Mars/Olympus_Mons"})

    assert page.status_code == 200
    assert 'value="Asia/Seoul"' in page.text
    assert walks == []
