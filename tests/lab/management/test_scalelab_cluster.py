"""scalelab on a real Redis Cluster: 3 primaries with a replica each, 2 app nodes.

One small run for the module (24 users, 3 pages each); each test asserts one result.
24 users' hash tags leave a primary without a session with a chance of 3 x (2/3)^24,
about 1 in 5,000 runs.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command

# Starts real nodes, nginx and stores: over the default run's budget (`make test-slow`).
pytestmark = [pytest.mark.lab, pytest.mark.slow]

USERS = 24


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    stdout = StringIO()
    call_command(
        "scalelab", "--strategy", "redis-cluster", "--shards", "3", "--nodes", "2",
        "--users", str(USERS), "--requests", "3", "--activity", "equal",
        "--sessionstats", "--json", "--quiet",
        "--out", str(tmp_path_factory.mktemp("scalelab-cluster")),
        stdout=stdout,
    )  # fmt: skip
    figures = json.loads(stdout.getvalue())
    assert figures["error"] is None, figures["error"]
    assert not figures["error_samples"], figures["error_samples"]
    return figures


def test_cluster_run_reports_a_share_per_primary(run):
    assert run["shards"] == 3
    assert len(run["shard_key_share"]) == 3
    assert set(run["shard_ops_share"]) == set(run["shard_key_share"])


@pytest.mark.parametrize("figure", ["shard_key_share", "shard_ops_share"])
def test_shard_shares_add_up_to_one(run, figure):
    assert sum(run[figure].values()) == pytest.approx(1, abs=0.01)


def test_every_primary_holds_some_sessions(run):
    assert min(run["shard_key_share"].values()) > 0


def test_cluster_loses_no_session_round_robin(run):
    assert run["page_requests"] == USERS * 3
    assert run["mismatch_rate"] == 0
    assert min(run["node_share"].values()) > 0


def test_sessionstats_counts_every_users_session_across_the_primaries(run):
    assert run["sessionstats"]["live sessions"] == str(USERS)
    assert int(run["sessionstats"]["bytes per session"]) > 0
