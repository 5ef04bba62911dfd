"""Eight clients refresh one refresh token at the same moment, over real HTTP."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from tests.factories import PASSWORD, make_user

CLIENTS = 8


def post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_token_let_exactly_one_win(live_server):
    make_user(username="alice", email="alice@example.com")
    status, pair = post_json(
        f"{live_server.url}/api/auth/token/",
        {"username": "alice", "password": PASSWORD},
    )
    assert status == 200
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def refresh() -> None:
        barrier.wait()
        result = post_json(
            f"{live_server.url}/api/auth/token/refresh/", {"refresh": pair["refresh"]}
        )
        with lock:
            results.append(result)

    threads = [threading.Thread(target=refresh) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [401] * (CLIENTS - 1)
    # One new refresh token is live: the first pair's and the winner's are recorded,
    # and only the first is blacklisted.
    assert OutstandingToken.objects.count() == 2
    assert BlacklistedToken.objects.count() == 1
    winner = next(body for status, body in results if status == 200)
    status, _ = post_json(
        f"{live_server.url}/api/auth/token/refresh/", {"refresh": winner["refresh"]}
    )
    assert status == 200
