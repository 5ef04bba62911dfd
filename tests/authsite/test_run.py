"""``make run`` says which Redis it uses: the configured one, the running one, or its own."""

from pathlib import Path

import redis

from authsite.embedded_redis import EmbeddedRedis, free_port
from authsite.run import redis_choose


def test_configured_redis_url_is_used_and_named():
    choice = redis_choose(
        {"REDIS_URL": "redis://redis.example:6380/2"}, directory=Path("/nonexistent")
    )

    assert choice.url == "redis://redis.example:6380/2"
    assert choice.embedded is None
    assert choice.line == "Redis: using redis://redis.example:6380/2 (from REDIS_URL)."


def test_redis_already_answering_is_used_and_named(tmp_path: Path):
    with EmbeddedRedis(tmp_path / "running") as running:
        choice = redis_choose({}, directory=tmp_path / "unused", port=running.port)

    assert choice.embedded is None
    assert choice.url == f"redis://127.0.0.1:{running.port}/0"
    assert choice.line.startswith(f"Redis: using {choice.url} (already running")
    assert not (tmp_path / "unused").exists()


def test_embedded_redis_is_started_and_named_when_none_answers(tmp_path: Path):
    silent_port = free_port()

    choice = redis_choose({}, directory=tmp_path / "redis", port=silent_port)
    try:
        answers = redis.Redis.from_url(choice.url).ping()
    finally:
        assert choice.embedded is not None
        choice.embedded.stop()

    assert answers is True
    assert choice.url != f"redis://127.0.0.1:{silent_port}/0"
    assert choice.line == (
        f"Redis: started an embedded Redis at {choice.url}, files in "
        f"{tmp_path / 'redis'} (none answered on 127.0.0.1:{silent_port})."
    )
