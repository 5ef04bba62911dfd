"""``manage.py scalelab``: run session strategies on N nodes behind nginx, measured."""

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.runner import strategies
from lab.runner.load import ACTIVITIES
from lab.runner.processes import LabError
from lab.runner.report import matrix_markdown, matrix_write, run_summary
from lab.runner.runs import RunOptions, matrix_run, scalelab_run


class Command(BaseCommand):
    help = (
        "Start N gunicorn nodes behind nginx with a session strategy, drive simulated "
        "users through them, and report lost sessions, load skew, store traffic, "
        "latency and throughput. Everything runs on 127.0.0.1 and is stopped at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--strategy", default="redis", choices=list(strategies.STRATEGIES)
        )
        parser.add_argument("--nodes", type=int, default=2)
        parser.add_argument(
            "--balancer",
            default="round-robin",
            choices=strategies.BALANCERS,
            help="also the balancer of a --matrix-rows row that names none",
        )
        parser.add_argument(
            "--users", type=int, default=8, help="concurrent simulated users"
        )
        parser.add_argument(
            "--requests", type=int, default=50, help="page requests per user"
        )
        parser.add_argument(
            "--seconds", type=float, default=30.0, help="time limit of a run's load"
        )
        parser.add_argument(
            "--client",
            default="browser",
            choices=["browser", "api"],
            help="browser: HTML login then pages; api: token then API calls",
        )
        parser.add_argument(
            "--activity",
            default="skewed",
            choices=ACTIVITIES,
            help="skewed (default): a few users much busier than the rest, as on real "
            "sites, which is what makes sticky sessions uneven; equal: every user makes "
            "--requests",
        )
        parser.add_argument(
            "--out",
            help="folder for logs, configs and reports (default: a new temporary folder)",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the figures as JSON"
        )
        parser.add_argument(
            "--matrix",
            action="store_true",
            help="run the comparison matrix; writes report.md and report.png",
        )
        parser.add_argument(
            "--matrix-rows",
            help="strategy[:balancer],... instead of the full matrix (implies --matrix)",
        )
        parser.add_argument(
            "--matrix-nodes",
            help="node counts, e.g. 1,2 (default 1,2,4; implies --matrix)",
        )
        parser.add_argument(
            "--shards",
            type=int,
            help="redis-cluster only: primaries of the lab's Redis Cluster, each with "
            f"one replica ({strategies.SHARDS_MIN} to {strategies.SHARDS_MAX}, "
            f"default {strategies.SHARDS_DEFAULT})",
        )
        parser.add_argument(
            "--sessionstats",
            action="store_true",
            help="after the load, run manage.py sessionstats on a node's settings "
            "(live sessions, bytes per session) and add what it prints",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["nodes"] < 1 or options["users"] < 1 or options["requests"] < 1:
            raise CommandError("--nodes, --users and --requests must be at least 1.")
        matrix = options["matrix"] or options["matrix_rows"] or options["matrix_nodes"]
        try:
            # Checked before anything starts: a typo costs no server start-up.
            rows = strategies.MATRIX_ROWS
            if options["matrix_rows"]:
                rows = strategies.matrix_rows_parse(
                    options["matrix_rows"], balancer=options["balancer"]
                )
            nodes = strategies.MATRIX_NODES
            if options["matrix_nodes"]:
                nodes = strategies.matrix_nodes_parse(options["matrix_nodes"])
            options["shards"] = strategies.shards_check(
                shards=options["shards"],
                strategies=[name for name, _ in rows]
                if matrix
                else [options["strategy"]],
            )
            out = Path(options["out"] or tempfile.mkdtemp(prefix="authsite-scalelab-"))
            progress = None if options["quiet"] else sys.stderr
            if matrix:
                self._matrix(
                    options, rows=rows, nodes=nodes, out=out, progress=progress
                )
            else:
                self._single(options, out=out, progress=progress)
        except LabError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError(
                "interrupted; every server the lab started is stopped."
            ) from None

    def _single(
        self, options: dict[str, Any], *, out: Path, progress: TextIO | None
    ) -> None:
        result = scalelab_run(
            options=RunOptions(
                strategy=options["strategy"],
                nodes=options["nodes"],
                balancer=options["balancer"],
                users=options["users"],
                requests=options["requests"],
                seconds=options["seconds"],
                client=options["client"],
                activity=options["activity"],
                shards=options["shards"],
                sessionstats=options["sessionstats"],
            ),
            out=out,
            progress=progress,
        )
        figures = result.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            self.stdout.write(run_summary(figures) + f"  files              {out}\n")
        if result.error:
            raise CommandError(result.error.splitlines()[0])

    def _matrix(
        self,
        options: dict[str, Any],
        *,
        rows: tuple[tuple[str, str], ...],
        nodes: tuple[int, ...],
        out: Path,
        progress: TextIO | None,
    ) -> None:
        results, database = matrix_run(
            out=out,
            rows=rows,
            nodes=nodes,
            users=options["users"],
            requests=options["requests"],
            seconds=options["seconds"],
            activity=options["activity"],
            shards=options["shards"],
            progress=progress,
        )
        figures = [r.as_json() for r in results]
        note = f"Database: {database}."
        markdown, chart = matrix_write(figures, out=out, note=note)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"runs": figures, "report": str(markdown), "chart": str(chart)}
                )
            )
        else:
            self.stdout.write(matrix_markdown(figures, note=note))
            self.stdout.write(f"\nWrote {markdown} and {chart}\n")
