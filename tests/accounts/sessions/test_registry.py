import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.sessions.registry import strategy_get, strategy_names
from authsite.embedded_redis import free_port
from tests.helpers.accounts import sign_in
from tests.helpers.live_site import manage_check


def test_every_strategy_of_the_issue_is_registered():
    assert set(strategy_names()) >= {
        "redis",
        "redis-replicated",
        "redis-sentinel",
        "memcached",
        "db",
        "cached_db",
        "signed_cookies",
        "local",
        "jwt",
    }


def test_unknown_strategy_name_lists_the_valid_names():
    with pytest.raises(ImproperlyConfigured) as error:
        strategy_get("mongodb")

    for name in strategy_names():
        assert name in str(error.value)


def test_unknown_strategy_stops_start_up_with_the_list_of_names():
    result = manage_check(AUTHSITE_SESSION_STRATEGY="mongodb")

    assert result.returncode != 0
    assert "'mongodb' is not a session strategy" in result.stderr
    assert "redis, redis-replicated, redis-sentinel, memcached" in result.stderr


@pytest.mark.parametrize("strategy", [None, "jwt"], ids=["default", "jwt"])
def test_check_passes_for_the_strategy(strategy):
    env = {"AUTHSITE_SESSION_STRATEGY": strategy} if strategy else {}

    result = manage_check(**env)

    assert result.returncode == 0, result.stderr


# Each strategy with a server of its own, that server's variable set to a port where
# nothing listens, and how the check's one line names it.
UNREACHABLE = {
    "jwt": ("REDIS_URL", "redis://127.0.0.1:{port}/0", "127.0.0.1:{port}"),
    "memcached": ("MEMCACHED_LOCATION", "127.0.0.1:{port}", "127.0.0.1:{port}"),
    "redis-sentinel": ("REDIS_SENTINELS", "127.0.0.1:{port}", "127.0.0.1:{port}"),
    "redis-replicated": (
        "REDIS_REPLICA_URLS",
        "redis://127.0.0.1:{port}/0",
        "redis://127.0.0.1:{port}/",
    ),
}


@pytest.mark.parametrize("strategy", list(UNREACHABLE))
def test_check_fails_with_one_line_naming_the_strategys_unreachable_server(strategy):
    port = free_port()
    variable, value, named = UNREACHABLE[strategy]

    result = manage_check(
        AUTHSITE_SESSION_STRATEGY=strategy, **{variable: value.format(port=port)}
    )

    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "authsite.E002" in line]
    assert len(lines) == 1
    assert f"'{strategy}'" in lines[0]
    assert named.format(port=port) in lines[0]


def test_replicated_strategy_without_replicas_stops_start_up():
    result = manage_check(AUTHSITE_SESSION_STRATEGY="redis-replicated")

    assert result.returncode != 0
    assert "needs REDIS_REPLICA_URLS" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("strategy", ["memcached"], indirect=True)
def test_signed_in_page_answers_503_when_memcached_is_down_every_time(
    strategy, servers, client, user
):
    sign_in(client, "alice")
    servers.memcached.stop()
    try:
        # pymemcache's default retry mode would answer the second request with
        # "no such session", a silent sign-out.
        responses = [client.get("/"), client.get("/")]
    finally:
        servers.memcached.start()

    assert [r.status_code for r in responses] == [503, 503]
    assert "Sign-in is temporarily unavailable" in responses[1].text
