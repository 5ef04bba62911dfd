"""The API's whole journey under every session strategy of the registry: register,
confirm the address, obtain tokens, read the account and its sessions, renew, sign out.

The token records live on REDIS_URL under every strategy; the sessions list reads the
strategy's own index (under redis-cluster, the index on the cluster's primaries).
"""

import pytest
from django.core import mail

from tests.helpers.mail import verification_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("strategy")]

CAROL = {
    "username": "carol",
    "email": "carol@example.com",
    "password": "a-Long-pass-7821",
}


def test_api_journey_from_register_to_logout(api_client, obtain, bearer):
    registered = api_client.post("/api/auth/register/", CAROL, format="json")
    assert registered.status_code == 202
    key = verification_key(mail.outbox[-1])
    verified = api_client.post("/api/auth/email/verify/", {"key": key}, format="json")
    assert verified.status_code == 200

    obtained = obtain(username="carol", password=CAROL["password"])
    assert obtained.status_code == 200
    first = obtained.json()
    me = api_client.get("/api/me/", **bearer(first["access"]))
    assert me.status_code == 200
    assert me.json()["username"] == "carol"
    listed = api_client.get("/api/me/sessions/", **bearer(first["access"]))
    assert listed.status_code == 200

    renewed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": first["refresh"]}, format="json"
    )
    assert renewed.status_code == 200
    tokens = renewed.json()
    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 200

    logout = api_client.post(
        "/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert logout.status_code == 204
    assert api_client.get("/api/me/", **bearer(tokens["access"])).status_code == 401
    refused = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refused.status_code == 401
