"""Session writes under the strategies with replicas wait for a replica (Redis WAIT)."""

import signal
from importlib import import_module

import pytest
import redis
from django.conf import settings

MARKER = "authsite-test-monitor-end"


def commands_seen(port: int, action) -> list[dict]:
    """The commands the Redis on ``port`` ran while ``action()`` ran (MONITOR)."""
    watcher = redis.Redis(port=port)
    with watcher.monitor() as monitor:
        action()
        marker = redis.Redis(port=port)
        marker.echo(MARKER)
        marker.close()
        seen = []
        for command in monitor.listen():
            if MARKER in command["command"]:
                break
            seen.append(command)
    watcher.close()
    return seen


def client_of(command: dict) -> str:
    return f"{command['client_address']}:{command['client_port']}"


@pytest.fixture(params=["redis-replicated", "redis-sentinel"])
def replicated_strategy(request, use_strategy, db):
    return use_strategy(request.param)


def session_save_and_delete() -> str:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["note"] = "written"
    session.save()
    session["note"] = "rewritten"
    session.save()
    key = session.session_key
    session.delete()
    return key


def test_each_session_write_waits_for_a_replica_on_its_own_connection(
    replicated_strategy, servers
):
    commands = commands_seen(servers.redis_primary().port, session_save_and_delete)

    writes = [
        (index, command)
        for index, command in enumerate(commands)
        if command["command"].split()[0].upper() in {"SET", "DEL"}
    ]
    assert len(writes) == 3  # create, update, delete
    for index, write in writes:
        following = commands[index + 1]
        assert following["command"].upper().startswith("WAIT 1 ")
        # WAIT counts only the writes of the connection it is sent on.
        assert client_of(following) == client_of(write)


def test_sentinel_session_write_no_replica_acknowledged_is_saved_and_logged(
    use_strategy, servers, settings, db, caplog
):
    use_strategy("redis-sentinel")
    settings.AUTHSITE_REDIS_WAIT_MS = 50
    replica = servers.redis_replica().process
    replica.send_signal(signal.SIGSTOP)  # alive, but acknowledges nothing
    try:
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session["note"] = "written"
        session.save()
    finally:
        replica.send_signal(signal.SIGCONT)

    # Answered anyway: the session is on the primary.
    assert session.exists(session.session_key)
    assert "session write reached 0 of 1 Redis replicas within 50 ms" in caplog.text
