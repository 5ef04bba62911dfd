"""``manage.py authbench``: requests per second of each authentication path, side by side."""

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.runner.bench import BenchOptions, authbench_run, cases_define
from lab.runner.database import database_ready
from lab.runner.processes import LabError
from lab.runner.targets import bench_text


class Command(BaseCommand):
    help = (
        "Benchmark pages, API calls and logins over HTTP against one gunicorn node per "
        "case, interleaved in rounds, and check the figures against the project's targets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        names = ", ".join(c.name for c in cases_define())
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument(
            "--seconds", type=float, default=2.0, help="seconds per case per round"
        )
        parser.add_argument(
            "--concurrency",
            "--connections",
            dest="concurrency",
            type=int,
            default=4,
            help="requests in flight (connections)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="gunicorn workers per node (the p99 target needs 4, with 64 connections)",
        )
        parser.add_argument("--cases", help=f"comma-separated subset of: {names}")
        parser.add_argument(
            "--generator",
            default="auto",
            choices=["auto", "wrk", "python"],
            help="load generator (auto: wrk where installed)",
        )
        parser.add_argument(
            "--out", help="folder for logs (default: a new temporary folder)"
        )
        parser.add_argument(
            "--json", action="store_true", help="print the figures as JSON"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress line")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        known = {c.name for c in cases_define()}
        only = tuple(
            n.strip() for n in (options["cases"] or "").split(",") if n.strip()
        )
        if unknown := set(only) - known:
            raise CommandError(f"unknown case(s): {', '.join(sorted(unknown))}")
        if (
            options["rounds"] < 1
            or options["seconds"] <= 0
            or options["concurrency"] < 1
            or options["workers"] < 1
        ):
            raise CommandError(
                "--rounds, --seconds, --concurrency and --workers must be positive."
            )
        out = Path(options["out"] or tempfile.mkdtemp(prefix="authsite-authbench-"))
        progress = None if options["quiet"] else sys.stderr
        try:
            database = database_ready(out=out, users=2)
            try:
                figures = authbench_run(
                    options=BenchOptions(
                        rounds=options["rounds"],
                        seconds=options["seconds"],
                        concurrency=options["concurrency"],
                        only=only,
                        generator=options["generator"],
                        workers=options["workers"],
                    ),
                    out=out,
                    database_url=database.url,
                    progress=progress,
                )
            finally:
                database.close()
        except LabError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError(
                "interrupted; every server the bench started is stopped."
            ) from None
        figures["database"] = database.note
        (out / "authbench.json").write_text(json.dumps(figures, indent=2))
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            self.stdout.write(bench_text(figures) + f"\nDatabase: {database.note}.\n")
