"""The report writer, on figures as a run returns them."""

import json

import pytest

from lab.runner.report import matrix_markdown, matrix_write, run_summary


def figures(strategy, nodes, **values):
    run = {
        "strategy": strategy, "nodes": nodes, "balancer": "round-robin",
        "requests": 120, "page_requests": 100, "logins": 0, "errors": 0,
        "mismatch_rate": 0.0, "node_share": {f"node{n}": 1 / nodes for n in range(1, nodes + 1)},
        "imbalance": 1.0, "store_commands_per_request": 1.0,
        "store_bytes_per_request": 305.2, "store_commands": {"get": 120},
        "replication_bytes_per_write": None, "cache_commands_per_request": 0.0,
        "p50_ms": 4.2, "p99_ms": 9.87, "rps": 876.4, "error": None, "error_samples": [],
    }  # fmt: skip
    run.update(values)
    return run


RESULTS = [
    figures("redis", 1),
    figures("local", 2, mismatch_rate=0.5123, imbalance=1.25, store_commands_per_request=0.0),
    figures("memcached", 2, error="memcached is not installed: apt-get install memcached\nsee its log"),
]  # fmt: skip


def test_matrix_table_has_a_row_per_run_with_shares_in_percent():
    table = matrix_markdown(RESULTS)
    lines = table.splitlines()

    assert lines[0].startswith("| strategy | balancer | nodes | signed out |")
    assert (
        "| redis | round-robin | 1 | 0.0 % | 1.00 | 1.00 | 305 | - | 4.20 | 9.87 | 876 |"
        in lines
    )
    assert "| local | round-robin | 2 | 51.2 % | 1.25 |" in table


def test_matrix_table_says_why_a_run_was_not_made():
    table = matrix_markdown(RESULTS)

    assert "| memcached | round-robin | 2 | not run |" in table
    assert "- memcached is not installed: apt-get install memcached\n" in table


def test_matrix_write_saves_table_chart_and_figures(tmp_path):
    markdown, chart = matrix_write(RESULTS, out=tmp_path, note="Database: SQLite.")

    assert "| local | round-robin | 2 | 51.2 % |" in markdown.read_text()
    assert "Database: SQLite." in markdown.read_text()
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "results.json").read_text()) == RESULTS


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        (RESULTS[1], "signed out         51.2 % of pages"),
        (RESULTS[2], "memcached on 2 node(s), round-robin: not run."),
    ],
)
def test_run_summary_reads_as_sentences(run, expected):
    assert expected in run_summary(run)
