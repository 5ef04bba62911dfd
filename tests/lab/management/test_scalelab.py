"""The scale-out lab, run small: real gunicorn nodes, nginx, Redis, over HTTP.

One small matrix (five rows at 2 nodes, and redis-replicated at 1 node too; 4 users,
a few seconds each) is run once for the module; each test asserts one qualitative
result of it.
"""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from authsite.embedded_redis import port_open

# Starts real nodes, nginx and stores: over the default run's budget (`make test-slow`).
pytestmark = [pytest.mark.lab, pytest.mark.slow]

ROWS = (
    "local:round-robin",
    "local:sticky",
    "redis:round-robin",
    "redis-replicated:round-robin",
    "jwt:round-robin",
)


def scalelab_json(*args):
    stdout = StringIO()
    call_command("scalelab", *args, "--json", "--quiet", stdout=stdout)
    return json.loads(stdout.getvalue())


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """The rows at 2 nodes, and redis-replicated at 1 node too (one replica fewer)."""
    out = tmp_path_factory.mktemp("scalelab-matrix")
    small = ("--users", "4", "--requests", "15", "--seconds", "10")
    figures = scalelab_json(
        "--matrix", "--matrix-rows", ",".join(ROWS), "--matrix-nodes", "2",
        *small, "--out", str(out),
    )  # fmt: skip
    runs = {(r["strategy"], r["balancer"], r["nodes"]): r for r in figures["runs"]}
    runs[("redis-replicated", "round-robin", 1)] = scalelab_json(
        "--strategy", "redis-replicated", "--nodes", "1", *small,
        "--out", str(out / "one-replica"),
    )  # fmt: skip
    return {"runs": runs, "out": out, "figures": figures}


def run_of(matrix, strategy, balancer="round-robin", nodes=2):
    run = matrix["runs"][(strategy, balancer, nodes)]
    assert run["error"] is None, (
        f"strategy {strategy!r} ({balancer}, {nodes} nodes) did not run: {run['error']}"
    )
    assert run["page_requests"] > 0, f"{strategy!r}: no page was requested"
    assert not run["error_samples"], run["error_samples"]
    return run


def test_local_round_robin_loses_sessions(matrix):
    run = run_of(matrix, "local")

    assert run["mismatch_rate"] > 0.2


def test_local_sticky_loses_no_session(matrix):
    run = run_of(matrix, "local", balancer="sticky")

    assert run["mismatch_rate"] == 0


@pytest.mark.parametrize("strategy", ["redis", "redis-replicated", "jwt"])
def test_shared_or_stateless_strategy_loses_no_session_round_robin(matrix, strategy):
    run = run_of(matrix, strategy)

    assert run["mismatch_rate"] == 0
    assert set(run["node_share"]) == {"node1", "node2"}
    assert min(run["node_share"].values()) > 0


def test_redis_pages_read_the_session_store_once_per_request(matrix):
    run = run_of(matrix, "redis")

    assert run["store_commands_per_request"] == 1
    assert run["store_bytes_per_request"] > 0


def test_jwt_pages_issue_no_session_store_command(matrix):
    run = run_of(matrix, "jwt")

    assert run["store_commands_per_request"] == 0, run["store_commands"]


def test_replication_bytes_grow_with_the_number_of_replicas(matrix):
    one = run_of(matrix, "redis-replicated", nodes=1)
    two = run_of(matrix, "redis-replicated", nodes=2)

    assert one["replication_bytes_per_write"] > 0
    assert two["replication_bytes_per_write"] > 1.5 * one["replication_bytes_per_write"]


def test_matrix_writes_the_report_table_and_chart(matrix):
    report = (matrix["out"] / "report.md").read_text()

    assert report.count("\n| redis | round-robin | 2 |") == 1
    assert report.count("\n| local | sticky | 2 |") == 1
    assert (matrix["out"] / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_server_of_a_run_is_stopped_afterwards(matrix):
    conf = (matrix["out"] / "redis-round-robin-2" / "nginx" / "nginx.conf").read_text()
    ports = [int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", conf)]
    redis_logs = (matrix["out"] / "redis-round-robin-2").glob("redis-*/redis-*.log")
    ports += [int(re.search(r"(\d+)", log.name).group(1)) for log in redis_logs]

    assert len(ports) >= 5  # nginx, two nodes, the cache and the sessions Redis
    assert [p for p in ports if port_open("127.0.0.1", p)] == []


def test_single_run_prints_the_figures_as_json(tmp_path):
    figures = scalelab_json(
        "--strategy", "redis", "--nodes", "2", "--balancer", "sticky",
        "--users", "3", "--requests", "5", "--activity", "equal", "--out", str(tmp_path),
    )  # fmt: skip

    assert {
        "strategy", "nodes", "balancer", "requests", "mismatch_rate", "node_share",
        "imbalance", "store_commands_per_request", "store_bytes_per_request",
        "replication_bytes_per_write", "p50_ms", "p99_ms", "rps",
    } <= set(figures)  # fmt: skip
    assert (figures["strategy"], figures["nodes"], figures["balancer"]) == (
        "redis",
        2,
        "sticky",
    )
    assert figures["requests"] == 15
    assert figures["mismatch_rate"] == 0


def test_single_run_works_with_an_out_folder_relative_to_the_current_one(
    tmp_path, monkeypatch
):
    """``make lab`` passes ``--out var/lab``: redis-server changes into its --dir before
    it opens its --logfile, so a relative folder must not reach it as such."""
    monkeypatch.chdir(tmp_path)

    figures = scalelab_json(
        "--strategy", "redis", "--nodes", "1", "--users", "1", "--requests", "3",
        "--activity", "equal", "--out", "var/lab",
    )  # fmt: skip

    assert figures["error"] is None
    assert figures["page_requests"] == 3
    assert list((tmp_path / "var/lab").glob("redis-round-robin-1/*/redis-*.log"))


def test_api_users_lose_no_session_round_robin(tmp_path):
    """API users get a JWT, then call GET /api/me/ through the balancer."""
    figures = scalelab_json(
        "--strategy", "redis", "--nodes", "2", "--client", "api",
        "--users", "3", "--requests", "5", "--activity", "equal",
        "--out", str(tmp_path),
    )  # fmt: skip

    assert figures["mismatch_rate"] == 0
    assert figures["page_requests"] == 15


def test_matrix_row_without_a_balancer_runs_with_the_default_balancer(tmp_path):
    figures = scalelab_json(
        "--matrix-rows", "redis", "--matrix-nodes", "1", "--users", "1",
        "--requests", "2", "--activity", "equal", "--out", str(tmp_path),
    )  # fmt: skip

    [run] = figures["runs"]
    assert (run["strategy"], run["balancer"], run["nodes"]) == (
        "redis",
        "round-robin",
        1,
    )
    assert run["error"] is None
    assert run["page_requests"] == 2
