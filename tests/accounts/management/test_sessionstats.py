import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import make_user
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)
TARGET_BYTES = 320


@pytest.fixture
def production_redis(use_strategy, servers):
    """The ``redis`` strategy as it ships (key prefix "authsite") on a Redis of our own."""
    primary = servers.redis_primary()
    use_strategy(
        "redis", redis_sessions_url=primary.url[:-1] + "1", key_prefix="authsite"
    )
    yield primary
    servers.flush()


def sessionstats(*args) -> str:
    out = StringIO()
    call_command("sessionstats", *args, stdout=out)
    return out.getvalue()


def sign_in_users(count: int) -> None:
    for _ in range(count):
        user = make_user()
        client = Client(HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.77")
        assert sign_in(client, user.username, remember_me="on").status_code == 302


def test_sessionstats_counts_live_sessions_and_users(production_redis):
    sign_in_users(3)

    lines = sessionstats().splitlines()

    assert "strategy: redis" in lines
    assert "live sessions: 3" in lines
    assert "users with sessions: 3" in lines
    assert re.fullmatch(r"bytes per session: \d+", lines[-1])


def test_redis_session_with_its_index_entry_fits_the_memory_target(production_redis):
    sign_in_users(10)

    last_line = sessionstats().splitlines()[-1]

    bytes_per_session = int(last_line.removeprefix("bytes per session: "))
    print(last_line)
    assert 0 < bytes_per_session <= TARGET_BYTES
