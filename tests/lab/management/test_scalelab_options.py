"""scalelab refuses bad options before it starts any server."""

import pytest
from django.core.management import CommandError, call_command

from lab.runner import strategies


def test_unknown_strategy_is_refused_with_the_valid_names():
    with pytest.raises(CommandError, match="redis-replicated"):
        call_command("scalelab", "--strategy", "sharded")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("redis:roundrobin", "matrix row 'redis:roundrobin': unknown balancer 'roundrobin'"),
        ("redis:sticky:hash", "matrix row 'redis:sticky:hash': unknown balancer 'sticky:hash'"),
        ("redis:", "matrix row 'redis:': unknown balancer ''"),
        ("local,sharded:sticky", "matrix row 'sharded:sticky': unknown strategy 'sharded'"),
        (":sticky", "matrix row ':sticky': unknown strategy ''"),
        (" , ", "the matrix rows name no strategy"),
    ],
)  # fmt: skip
def test_bad_matrix_row_is_refused_naming_the_row(tmp_path, rows, message):
    with pytest.raises(CommandError) as refused:
        call_command("scalelab", "--matrix-rows", rows, "--out", str(tmp_path))

    assert str(refused.value).startswith(message)
    assert list(tmp_path.iterdir()) == []  # refused before any server started


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ("two", "matrix node count 'two' is not a whole number >= 1"),
        ("1,0", "matrix node count '0' is not a whole number >= 1"),
        ("1,-2", "matrix node count '-2' is not a whole number >= 1"),
        (",", "the matrix node counts name no number"),
    ],
)
def test_bad_matrix_node_count_is_refused(tmp_path, counts, message):
    with pytest.raises(CommandError) as refused:
        call_command("scalelab", "--matrix-nodes", counts, "--out", str(tmp_path))

    assert str(refused.value) == message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--strategy", "redis", "--shards", "3"),
            "--shards is for the redis-cluster strategy; this run has redis",
        ),
        (
            ("--matrix-rows", "redis,local:sticky", "--shards", "4"),
            "--shards is for the redis-cluster strategy; this run has redis, local",
        ),
        (
            ("--strategy", "redis-cluster", "--shards", "2"),
            "--shards 2: a Redis Cluster here has 3 to 16 primaries",
        ),
        (
            ("--strategy", "redis-cluster", "--shards", "0"),
            "--shards 0: a Redis Cluster here has 3 to 16 primaries",
        ),
        (
            ("--strategy", "redis-cluster", "--shards", "17"),
            "--shards 17: a Redis Cluster here has 3 to 16 primaries",
        ),
    ],
)
def test_bad_shards_option_is_refused(tmp_path, args, message):
    with pytest.raises(CommandError) as refused:
        call_command("scalelab", *args, "--out", str(tmp_path))

    assert str(refused.value) == message
    assert list(tmp_path.iterdir()) == []


def test_shards_that_is_not_a_number_is_refused():
    with pytest.raises(CommandError, match="--shards: invalid int value: 'three'"):
        call_command("scalelab", "--strategy", "redis-cluster", "--shards", "three")


def test_default_matrix_has_a_redis_cluster_row():
    assert ("redis-cluster", "round-robin") in strategies.MATRIX_ROWS
