"""``manage.py scalelab``: run session strategies on N nodes behind nginx, measured."""

import json
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from authsite.lab import strategies
from authsite.lab.load import ACTIVITIES
from authsite.lab.processes import LabError
from authsite.lab.report import matrix_markdown, matrix_write, run_summary
from authsite.lab.scalelab import RunOptions, matrix_run, scalelab_run


def _names(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class Command(BaseCommand):
    help = (
        "Start N gunicorn nodes behind nginx with a session strategy, drive simulated "
        "users through them, and report lost sessions, load skew, store traffic, "
        "latency and throughput. Everything runs on 127.0.0.1 and is stopped at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--strategy", default="redis", choices=list(strategies.STRATEGIES)
        )
        parser.add_argument("--nodes", type=int, default=2)
        parser.add_argument(
            "--balancer", default="round-robin", choices=strategies.BALANCERS
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
            "--matrix-rows", help="strategy:balancer,... instead of the full matrix"
        )
        parser.add_argument(
            "--matrix-nodes", help="node counts, e.g. 1,2 (default 1,2,4)"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")  # fmt: skip

    def handle(self, *args, **options):
        if options["nodes"] < 1 or options["users"] < 1 or options["requests"] < 1:
            raise CommandError("--nodes, --users and --requests must be at least 1.")
        out = Path(options["out"] or tempfile.mkdtemp(prefix="authsite-scalelab-"))
        progress = None if options["quiet"] else sys.stderr
        try:
            if options["matrix"]:
                self._matrix(options, out=out, progress=progress)
            else:
                self._single(options, out=out, progress=progress)
        except (LabError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError(
                "interrupted; every server the lab started is stopped."
            ) from None

    def _single(self, options, *, out, progress):
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
            ),
            out=out,
            progress=progress,
        ).as_json()
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(run_summary(result) + f"  files              {out}\n")
        if result["error"]:
            raise CommandError(result["error"].splitlines()[0])

    def _matrix(self, options, *, out, progress):
        rows = strategies.MATRIX_ROWS
        if options["matrix_rows"]:
            rows = tuple(
                tuple(item.split(":", 1)) for item in _names(options["matrix_rows"])
            )
            for strategy, balancer in rows:
                strategies.strategy_get(name=strategy)
                if balancer not in strategies.BALANCERS:
                    raise CommandError(f"unknown balancer {balancer!r}")
        nodes = strategies.MATRIX_NODES
        if options["matrix_nodes"]:
            nodes = tuple(int(n) for n in _names(options["matrix_nodes"]))
        results, note = matrix_run(
            out=out,
            rows=rows,
            nodes=nodes,
            users=options["users"],
            requests=options["requests"],
            seconds=options["seconds"],
            activity=options["activity"],
            progress=progress,
        )
        figures = [r.as_json() for r in results]
        note = f"Database: {note}."
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
