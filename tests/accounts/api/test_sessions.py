"""`/api/me/sessions/`: the caller's sessions from the index, and ending one."""

import pytest

from accounts.selectors import sessions_for_user
from tests.factories import PASSWORD
from tests.helpers.accounts import session_key_of, signed_in_client

pytestmark = pytest.mark.django_db

FIELDS = {"id", "current", "created", "last_seen", "ip", "device"}


@pytest.mark.usefixtures("server_strategy")
def test_lists_the_users_browser_sessions(api_client, tokens, bearer, user):
    signed_in_client(REMOTE_ADDR="198.51.100.7")

    response = api_client.get("/api/me/sessions/", **bearer(tokens["access"]))

    assert response.status_code == 200
    rows = response.json()
    assert all(set(row) == FIELDS for row in rows)
    [row] = [r for r in rows if r["ip"] == "198.51.100.7"]
    assert row["current"] is False
    assert row["created"] is not None


def test_lists_only_the_callers_sessions(api_client, tokens, bearer, user, other_user):
    signed_in_client("bob", REMOTE_ADDR="198.51.100.8")

    rows = api_client.get("/api/me/sessions/", **bearer(tokens["access"])).json()

    assert all(row["ip"] != "198.51.100.8" for row in rows)


@pytest.mark.parametrize("strategy", ["jwt"], indirect=True)
def test_under_jwt_the_calling_token_is_the_current_session(
    strategy, api_client, tokens, bearer, user
):
    signed_in_client()

    rows = api_client.get("/api/me/sessions/", **bearer(tokens["access"])).json()

    assert len(rows) == 2
    assert [row["current"] for row in rows].count(True) == 1


@pytest.mark.usefixtures("server_strategy")
def test_delete_ends_that_session_and_signs_the_browser_out(
    api_client, tokens, bearer, user, store
):
    other = signed_in_client(REMOTE_ADDR="198.51.100.7")
    key = session_key_of(other)
    [entry] = [e for e in sessions_for_user(user=user) if e.ip == "198.51.100.7"]

    response = api_client.delete(
        f"/api/me/sessions/{entry.id}/", **bearer(tokens["access"])
    )

    assert response.status_code == 204
    assert store.lacks(key)
    assert "You are not signed in" in other.get("/").text


@pytest.mark.usefixtures("server_strategy")
def test_delete_of_another_users_session_is_404_and_changes_nothing(
    api_client, tokens, bearer, user, other_user, store
):
    bobs = signed_in_client("bob")
    [entry] = sessions_for_user(user=other_user)

    response = api_client.delete(
        f"/api/me/sessions/{entry.id}/", **bearer(tokens["access"])
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert store.holds(session_key_of(bobs))


@pytest.mark.parametrize("session_id", ["0" * 20, "not-hex", "a" * 65])
def test_delete_of_an_unknown_id_is_404(api_client, tokens, bearer, session_id):
    response = api_client.delete(
        f"/api/me/sessions/{session_id}/", **bearer(tokens["access"])
    )

    assert response.status_code == 404


def test_sessions_need_a_token(api_client):
    assert api_client.get("/api/me/sessions/").status_code == 401


@pytest.mark.usefixtures("server_strategy")
def test_logout_all_removes_every_browser_session_from_the_store_at_once(
    api_client, tokens, bearer, user, store
):
    browsers = [signed_in_client(), signed_in_client()]
    keys = [session_key_of(b) for b in browsers]

    response = api_client.post("/api/auth/logout-all/", **bearer(tokens["access"]))

    assert response.status_code == 204
    assert all(store.lacks(key) for key in keys)
    assert sessions_for_user(user=user) == []


def test_schema_documents_the_sessions_endpoints(client):
    schema = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()

    listing = schema["paths"]["/api/me/sessions/"]["get"]
    item = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert item["type"] == "array"
    assert (
        "404"
        in schema["paths"]["/api/me/sessions/{session_id}/"]["delete"]["responses"]
    )


@pytest.mark.usefixtures("server_strategy")
def test_api_password_change_ends_browser_sessions_at_once(
    api_client, tokens, bearer, user, store
):
    key = session_key_of(signed_in_client())

    response = api_client.post(
        "/api/me/password/",
        {"old_password": PASSWORD, "new_password": "a-Brand-new-passphrase-7"},
        format="json",
        **bearer(tokens["access"]),
    )

    assert response.status_code == 200
    assert store.lacks(key)
    new_access = response.json()["access"]
    assert api_client.get("/api/me/", **bearer(new_access)).status_code == 200
