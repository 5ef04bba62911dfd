"""Write lab results for people: a summary of one run, the matrix table, the chart.

Results come in as the JSON-shaped dicts of ``RunResult.as_json()`` so that a report can
be redrawn from a saved ``results.json`` too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lab.runner.processes import LabError

COLUMNS = (
    ("strategy", "strategy"),
    ("balancer", "balancer"),
    ("nodes", "nodes"),
    ("mismatch_rate", "signed out"),
    ("imbalance", "max/min node load"),
    ("store_commands_per_request", "store cmds/req"),
    ("store_bytes_per_request", "store bytes/req"),
    ("replication_bytes_per_write", "repl. bytes/write"),
    ("p50_ms", "p50 ms"),
    ("p99_ms", "p99 ms"),
    ("rps", "req/s"),
)


def cell(key: str, value: object) -> str:
    """One figure as the table shows it: shares as %, missing figures as a dash."""
    if value is None:
        return "-"
    if key == "mismatch_rate" and isinstance(value, int | float):
        return f"{value * 100:.1f} %"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    return str(value)


def matrix_markdown(results: Iterable[dict[str, Any]], *, note: str = "") -> str:
    """The matrix as one Markdown table; a run that failed shows why in its row."""
    header = "| " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = "| " + " | ".join("---" for _ in COLUMNS) + " |"
    lines = [header, rule]
    failures = []
    for result in results:
        if result.get("error"):
            reason = result["error"].splitlines()[0]
            failures.append(reason)
            lines.append(
                "| "
                + " | ".join(
                    cell(key, result.get(key)) if key in {"strategy", "balancer", "nodes"}
                    else ("not run" if key == "mismatch_rate" else "")
                    for key, _ in COLUMNS
                )
                + " |"
            )  # fmt: skip
            continue
        lines.append(
            "| " + " | ".join(cell(key, result.get(key)) for key, _ in COLUMNS) + " |"
        )
    text = "\n".join(lines) + "\n"
    if failures:
        text += "\nNot run:\n\n" + "".join(f"- {r}\n" for r in dict.fromkeys(failures))
    if note:
        text += f"\n{note}\n"
    return text


def run_summary(result: dict[str, Any]) -> str:
    """A few lines a person reads after a single run."""
    head = f"{result['strategy']} on {result['nodes']} node(s), {result['balancer']}"
    if result.get("error"):
        return f"{head}: not run.\n{result['error']}\n"
    shares = ", ".join(
        f"{node} {share * 100:.0f} %" for node, share in result["node_share"].items()
    )
    lines = [
        head,
        f"  requests           {result['requests']} ({result['page_requests']} pages, "
        f"{result['logins']} forced sign-ins, {result['errors']} errors)",
        f"  signed out         {cell('mismatch_rate', result['mismatch_rate'])} of pages",
        f"  node share         {shares}; max/min {cell('imbalance', result['imbalance'])}",
        f"  session store      {cell('', result['store_commands_per_request'])} commands, "
        f"{cell('', result['store_bytes_per_request'])} bytes per request "
        f"{_commands(result.get('store_commands') or {})}",
        f"  other Redis        {cell('', result['cache_commands_per_request'])} commands per request",
        f"  replication        {cell('', result['replication_bytes_per_write'])} bytes per session write",
        f"  latency            p50 {cell('', result['p50_ms'])} ms, p99 {cell('', result['p99_ms'])} ms",
        f"  throughput         {cell('', result['rps'])} requests/s",
    ]
    if result.get("shard_key_share"):
        lines.append(
            f"  shards             {result['shards']} primaries: session keys "
            f"{_shares(result['shard_key_share'])}; commands "
            f"{_shares(result['shard_ops_share'] or {})}"
        )
    for name, value in (result.get("sessionstats") or {}).items():
        lines.append(f"  sessionstats       {name}: {value}")
    for sample in result.get("error_samples") or []:
        lines.append(f"  error: {sample}")
    return "\n".join(lines) + "\n"


def _shares(shares: dict[str, float]) -> str:
    return ", ".join(f"{share * 100:.0f} %" for share in shares.values())


def _commands(per_command: dict[str, int]) -> str:
    if not per_command:
        return ""
    top = sorted(per_command.items(), key=lambda item: -item[1])[:4]
    return "(" + ", ".join(f"{name} {calls}" for name, calls in top) + ")"


def matrix_chart(results: list[dict[str, Any]], path: Path) -> Path:
    """Draw mismatch, imbalance, store traffic and throughput per row and node count."""
    try:
        import matplotlib
    except ImportError:
        raise LabError(
            "matplotlib is not installed: pip install -r requirements-lab.txt"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = [r for r in results if not r.get("error")]
    rows = list(dict.fromkeys(f"{r['strategy']} {r['balancer']}" for r in done))
    node_counts = sorted({r["nodes"] for r in done})
    panels = (
        ("mismatch_rate", "requests signed out (share)"),
        ("imbalance", "max/min node load"),
        ("store_bytes_per_request", "session-store bytes per request"),
        ("rps", "requests per second"),
    )
    figure, axes = plt.subplots(2, 2, figsize=(12, 8))
    width = 0.8 / max(len(node_counts), 1)
    for axis, (key, title) in zip(axes.flat, panels, strict=True):
        for index, count in enumerate(node_counts):
            values = []
            for row in rows:
                match = next(
                    (
                        r
                        for r in done
                        if f"{r['strategy']} {r['balancer']}" == row
                        and r["nodes"] == count
                    ),
                    None,
                )
                values.append((match or {}).get(key) or 0)
            axis.bar(
                [i + index * width for i in range(len(rows))],
                values,
                width,
                label=f"{count} node(s)",
            )
        axis.set_title(title)
        axis.set_ylim(bottom=0)
        axis.set_xticks(
            [i + width * (len(node_counts) - 1) / 2 for i in range(len(rows))]
        )
        axis.set_xticklabels(rows, rotation=30, ha="right", fontsize=8)
    axes.flat[0].legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def matrix_write(
    results: list[dict[str, Any]], *, out: Path, note: str = ""
) -> tuple[Path, Path]:
    """Write report.md, report.png and results.json under ``out``; return the first two."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    markdown = out / "report.md"
    markdown.write_text(
        "# Session strategies scaled out\n\n"
        "![mismatch, imbalance, store traffic and throughput](report.png)\n\n"
        + matrix_markdown(results, note=note)
    )
    return markdown, matrix_chart(results, out / "report.png")
