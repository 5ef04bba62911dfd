"""One scalelab run, called directly: what it reports when a node cannot start."""

import pytest

from accounts.sessions.strategies.database.db import SessionStore
from lab.runner.runs import RunOptions, scalelab_run, session_table
from lab.runner.strategies import LabStrategy


@pytest.mark.lab
def test_node_that_cannot_start_is_reported_with_its_log(tmp_path):
    broken = LabStrategy(name="redis", node_env={"DJANGO_DEBUG": "maybe"})
    options = RunOptions(strategy="redis", nodes=1, users=1, requests=1)

    result = scalelab_run(options=options, out=tmp_path, progress=None, strategy=broken)

    assert result.error.startswith("node1 exited at start-up (")
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.error


def test_lab_counts_the_table_the_db_session_engine_writes():
    """On PostgreSQL the lab counts scans of this table as the db strategy's commands."""
    assert session_table() == SessionStore.get_model_class()._meta.db_table
