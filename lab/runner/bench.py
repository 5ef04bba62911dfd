"""``authbench``: what authentication costs per request, case beside case, in one run.

Every case is one HTTP request shape sent to one gunicorn node (one sync worker) of its
own strategy; the cases run interleaved in rounds so that anything slowing the machine
down hits all of them alike. A case that cannot be prepared (its node did not start,
its sign-in failed) is reported as unavailable, with the reason, and the others still
run.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from lab.runner import strategies as lab
from lab.runner.client import CSRF_INPUT, LOGIN_PATH, Client, browser_sign_in
from lab.runner.cluster import base_env, cluster_start
from lab.runner.database import LAB_PASSWORD, PBKDF2_USERNAME, USERNAME_FORMAT
from lab.runner.metrics import percentile
from lab.runner.processes import LabError, Processes
from lab.runner.targets import targets_check

# One page case per strategy, in the table's order.
PAGE_STRATEGIES = tuple(lab.STRATEGIES)
PBKDF2_NODE = "pbkdf2"
CEILING_NODE = "ceiling"
# The site's layout around one heading, reading nothing but the session and its user
# (lab/bench_views.py): the account home at "/" also reads the user's activity and
# sessions, which would hide what authentication costs.
PAGE = "/lab/bench/page/"
API_HELLO = "/lab/bench/api/hello/"
API_ME = "/lab/bench/api/me/"
API_ME_TOKEN = "/lab/bench/api/me-token/"  # noqa: S105 - a URL
JWT_TOKEN = "/api/auth/token/"  # noqa: S105 - a URL
DRF_TOKEN = "/lab/bench/api/token-auth/"  # noqa: S105 - a URL


@dataclass
class Case:
    """One request shape: sent as it is, again and again, to one node."""

    name: str
    node: str
    method: str = "GET"
    path: str = "/"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    expect: int = 200
    port: int = 0
    unavailable: str = ""
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    p50s: list[tuple[float, int]] = field(default_factory=list)
    p99s: list[tuple[float, int]] = field(default_factory=list)


def cases_define() -> list[Case]:
    cases = [Case(name="hello", node="redis", path=PAGE)]
    cases += [Case(name="page_ceiling", node=CEILING_NODE, path=PAGE)]
    cases += [Case(name=f"page_{s}", node=s, path=PAGE) for s in PAGE_STRATEGIES]
    cases += [
        Case(name="api_hello", node="redis", path=API_HELLO),
        Case(name="api_jwt", node="redis", path=API_ME),
        Case(name="api_drf_token", node="redis", path=API_ME_TOKEN),
        Case(name="login", node="redis", method="POST", path=LOGIN_PATH, expect=302),
        Case(name="login_pbkdf2", node=PBKDF2_NODE, method="POST", path=LOGIN_PATH, expect=302),
    ]  # fmt: skip
    return cases


def _prepare(case: Case) -> None:
    """Sign in or fetch what the case needs, once; mark it unavailable if that fails."""
    client = Client(case.port)
    user = USERNAME_FORMAT.format(1)
    try:
        if case.name == "hello" or case.node == CEILING_NODE:
            # Keep the CSRF cookie the first answer sets, as a signed-in browser has
            # one: otherwise every request would mint a new one and set it again.
            page = client.request("GET", case.path)
            if client.cookies:
                case.headers["Cookie"] = _cookie_header(client)
            if case.node == CEILING_NODE and user not in page.body.decode(
                errors="replace"
            ):
                case.unavailable = "the page does not show the ceiling's user"
        elif case.name.startswith("page_"):
            browser_sign_in(client, username=user, password=LAB_PASSWORD)
            case.headers["Cookie"] = _cookie_header(client)
            page = client.request("GET", case.path)
            if user not in page.body.decode(errors="replace"):
                case.unavailable = "the page does not show the user signed in"
        elif case.name == "api_jwt":
            answer = client.request(
                "POST",
                JWT_TOKEN,
                json_body={"username": user, "password": LAB_PASSWORD},
            )
            if answer.status != 200:
                case.unavailable = f"POST {JWT_TOKEN} answered {answer.status}"
                return
            access = json.loads(answer.body)["access"]
            case.headers["Authorization"] = f"Bearer {access}"
        elif case.name == "api_drf_token":
            answer = client.request(
                "POST", DRF_TOKEN, form={"username": user, "password": LAB_PASSWORD}
            )
            token = json.loads(answer.body)["token"]
            case.headers["Authorization"] = f"Token {token}"
        elif case.name.startswith("login"):
            username = PBKDF2_USERNAME if case.node == PBKDF2_NODE else user
            form = client.request("GET", LOGIN_PATH)
            match = CSRF_INPUT.search(form.body.decode(errors="replace"))
            if match is None:
                case.unavailable = f"GET {LOGIN_PATH} has no CSRF token"
                return
            # The CSRF cookie, whatever its name (``__Host-csrftoken`` when Secure).
            case.headers["Cookie"] = _cookie_header(client)
            case.headers["Content-Type"] = "application/x-www-form-urlencoded"
            case.body = (
                f"csrfmiddlewaretoken={match.group(1)}&username={username}"
                f"&password={LAB_PASSWORD}"
            )
        if not case.unavailable:
            status = _send(case)[0]
            if status != case.expect:
                case.unavailable = f"{case.method} {case.path} answered {status}"
    except Exception as exc:
        # Whatever went wrong (a refused connection, an answer without the expected
        # JSON), the case is reported as not measured and the others still run.
        case.unavailable = f"preparation failed: {exc}"
    finally:
        client.close()


def _cookie_header(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def _send(case: Case) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", case.port, timeout=30)
    try:
        connection.request(
            case.method,
            case.path,
            body=case.body.encode() if case.body else None,
            headers={"Host": "127.0.0.1", **case.headers},
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def _slice_python(case: Case, *, seconds: float, concurrency: int) -> None:
    """Keep ``concurrency`` requests in flight for ``seconds``; add to the case's figures."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    started = time.perf_counter()

    def worker() -> None:
        while time.perf_counter() < deadline:
            try:
                status, elapsed = _send(case)
            except OSError:
                status, elapsed = 0, 0.0
            with lock:
                case.requests += 1
                if status != case.expect:
                    case.errors += 1
                case.latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    case.seconds += time.perf_counter() - started


_WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_WRK_REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)")
_WRK_BAD = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _slice_wrk(
    case: Case, *, seconds: float, concurrency: int, directory: Path
) -> None:
    script = directory / f"{case.name}.lua"
    lines = [f'wrk.method = "{case.method}"']
    if case.body:
        lines.append(f"wrk.body = {json.dumps(case.body)}")
    lines += [
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}"
        for k, v in case.headers.items()
    ]
    script.write_text("\n".join(lines) + "\n")
    done = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s",
         "--latency", "-s", str(script), f"http://127.0.0.1:{case.port}{case.path}"],
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    count = _WRK_REQUESTS.search(done.stdout)
    if done.returncode != 0 or count is None:
        raise LabError(f"wrk failed for {case.name}: {done.stderr.strip()[:200]}")
    requests = int(count.group(1))
    case.requests += requests
    case.seconds += float(count.group(2)) * _UNIT[count.group(3)]
    bad = _WRK_BAD.search(done.stdout)
    case.errors += int(bad.group(1)) if bad else 0
    # 302 is a 3xx: wrk counts it as fine, which is what a login answers.
    for share, value, unit in _WRK_LATENCY.findall(done.stdout):
        target = case.p50s if share == "50" else case.p99s
        target.append((float(value) * _UNIT[unit], requests))


def _weighted(pairs: list[tuple[float, int]]) -> float:
    total = sum(weight for _, weight in pairs)
    return sum(value * weight for value, weight in pairs) / total if total else 0.0


@dataclass
class BenchOptions:
    rounds: int = 3
    seconds: float = 2.0
    concurrency: int = 4
    only: tuple[str, ...] = ()
    generator: str = "auto"  # "wrk", "python" or "auto" (wrk where installed)
    workers: int = 1  # gunicorn sync workers per node


def authbench_run(
    *,
    options: BenchOptions,
    out: Path,
    database_url: str,
    progress: TextIO | None = sys.stderr,
) -> dict[str, Any]:
    """Start the nodes, prepare and run the cases in rounds; return the JSON figures."""
    cases = [c for c in cases_define() if not options.only or c.name in options.only]
    use_wrk = options.generator == "wrk" or (
        options.generator == "auto" and shutil.which("wrk") is not None
    )
    if use_wrk and shutil.which("wrk") is None:
        raise LabError("wrk is not installed: apt-get install wrk")
    needed = sorted({c.node for c in cases})
    # Absolute: redis-server changes into its --dir before it opens its --logfile.
    out = Path(out).resolve()
    env = base_env(database_url=database_url, var_dir=out / "var")
    env["AUTHSITE_LAB_BENCH"] = "1"
    with ExitStack() as stack:
        ports, reasons = {}, {}

        # Processes are entered here, in the main thread, so that Ctrl-C stops them.
        folders = {node: stack.enter_context(Processes(out / node)) for node in needed}

        def start(node: str) -> None:
            special = node in (PBKDF2_NODE, CEILING_NODE)
            strategy = lab.strategy_get(name="redis" if special else node)
            extra = {
                PBKDF2_NODE: {"AUTHSITE_LAB_PASSWORD_HASHER": "pbkdf2"},
                CEILING_NODE: {"AUTHSITE_LAB_CEILING_USER": USERNAME_FORMAT.format(1)},
            }.get(node, {})
            try:
                cluster = cluster_start(
                    processes=folders[node], strategy=strategy, nodes=1,
                    balancer="round-robin", env=env, extra_node_env=extra,
                    with_balancer=False, workers=options.workers,
                )  # fmt: skip
                ports[node] = cluster.nodes["node1"]
            except LabError as exc:
                reasons[node] = str(exc).splitlines()[0]

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(start, needed))
        for case in cases:
            case.port = ports.get(case.node, 0)
            case.unavailable = reasons.get(case.node, "")
        runnable = [c for c in cases if not c.unavailable]
        for round_number in range(1, options.rounds + 1):
            # Sign in afresh every round: a long run outlives an access token, and
            # a case that is no longer signed in is caught here, not measured.
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(_prepare, runnable))
            runnable = [c for c in runnable if not c.unavailable]
            # Rotate the order each round: no case always runs first or last.
            shift = round_number % max(len(runnable), 1)
            for case in runnable[shift:] + runnable[:shift]:
                if progress is not None:
                    progress.write(
                        f"\rround {round_number}/{options.rounds} {case.name:<24}"
                    )
                    progress.flush()
                if use_wrk:
                    _slice_wrk(case, seconds=options.seconds, concurrency=options.concurrency, directory=out)  # fmt: skip
                else:
                    _slice_python(case, seconds=options.seconds, concurrency=options.concurrency)  # fmt: skip
        if progress is not None:
            progress.write("\n")
    return _figures(
        cases,
        generator="wrk" if use_wrk else "python",
        sqlite=database_url.startswith("sqlite"),
        concurrent=options.workers >= 4 and options.concurrency >= 64,
    )


def _figures(
    cases: list[Case], *, generator: str, sqlite: bool = False, concurrent: bool = False
) -> dict[str, Any]:
    figures: dict[str, dict[str, Any]] = {}
    for case in cases:
        if case.unavailable:
            figures[case.name] = {"rps": None, "p50_ms": None, "p99_ms": None, "ratio": None,
                                  "unavailable": case.unavailable}  # fmt: skip
            continue
        if case.latencies:
            p50, p99 = percentile(case.latencies, 0.5), percentile(case.latencies, 0.99)
        else:
            p50, p99 = _weighted(case.p50s), _weighted(case.p99s)
        figures[case.name] = {
            "rps": round(case.requests / case.seconds, 1) if case.seconds else None,
            "p50_ms": round(p50 * 1000, 2),
            "p99_ms": round(p99 * 1000, 2),
            "ratio": None,
            "errors": case.errors,
        }
    base = (figures.get("hello") or {}).get("rps")
    ceiling = (figures.get("page_ceiling") or {}).get("rps")
    for name, values in figures.items():
        if base and values["rps"] is not None:
            values["ratio"] = round(values["rps"] / base, 3)
        if name.startswith("page_"):
            values["ratio_ceiling"] = (
                round(values["rps"] / ceiling, 3)
                if ceiling and values["rps"] is not None
                else None
            )
    return {
        "cases": figures,
        "targets": targets_check(figures, sqlite=sqlite, concurrent=concurrent),
        "load_generator": generator,
    }
