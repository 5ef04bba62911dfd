"""authbench's targets: each ratio it promises, judged met or missed from one run's
figures, and the text that prints them with what the profile shows of a miss."""

from __future__ import annotations

from typing import Any

# (description, case, peer, at least this many times the peer's requests per second;
# a pair where the needed ratio differs on SQLite)
TARGETS: tuple[tuple[str, str, str, float | tuple[float, float]], ...] = (
    ("signed-in page on redis vs its ceiling", "page_redis", "page_ceiling", 0.9),
    ("signed-in page on redis vs unauthenticated page", "page_redis", "hello", 0.75),
    ("JWT API call vs unauthenticated API call", "api_jwt", "api_hello", 0.8),
    # (PostgreSQL, SQLite): a SQLite token lookup is a local file read, no network.
    ("JWT API call vs DRF TokenAuthentication", "api_jwt", "api_drf_token", (1.5, 1.2)),
    ("page on redis vs page on db", "page_redis", "page_db", 1.3),
    ("Argon2id login vs PBKDF2 login", "login", "login_pbkdf2", 5.0),
)
# Printed under a missed target: what the profile (scripts/profile_requests.py,
# docs/performance.md) shows of the cause.
MISSED_CAUSES = {
    ("api_jwt", "api_hello"): "the JWT adds one Redis HGETALL and a signature check to "
    "a near-empty view; under the profiler the HGETALL's socket wait is most of it",
    ("api_jwt", "api_drf_token"): "on SQLite DRF's token lookup is a local file read, "
    "about as cheap as the Redis HGETALL that JWT revocation needs",
    ("page_redis", "page_ceiling"): "the one MGET (session and user snapshot) is what "
    "is left; with one sync worker its socket wait is idle time (try --workers 4)",
    ("page_redis", "hello"): "the page is the same signed out: the one MGET and the "
    "decoding of the session and its user make the difference; compare page_ceiling",
}
# Under concurrency: p99 of the case at most this many times the peer's p99.
P99_TARGETS = (
    ("signed-in page on redis p99 vs unauthenticated p99", "page_redis", "hello", 2.0),
)


def targets_check(
    figures: dict[str, dict[str, Any]],
    *,
    sqlite: bool = False,
    concurrent: bool = False,
) -> list[dict[str, Any]]:
    """Each of TARGETS as met, missed, or not measured (None): case rps / peer rps;
    then P99_TARGETS (peer p99 / case p99), measured only under ``concurrent`` load
    (``--workers 4 --connections 64``), where an error also misses it."""
    checked = []
    for description, case, peer, wanted in TARGETS:
        needed = wanted if isinstance(wanted, float) else wanted[1 if sqlite else 0]
        a = (figures.get(case) or {}).get("rps")
        b = (figures.get(peer) or {}).get("rps")
        ratio = round(a / b, 2) if a and b else None
        checked.append({"target": description, "case": case, "peer": peer, "needed": needed,
                        "ratio": ratio, "met": None if ratio is None else ratio >= needed})  # fmt: skip
    for description, case, peer, most in P99_TARGETS:
        a = (figures.get(case) or {}).get("p99_ms")
        b = (figures.get(peer) or {}).get("p99_ms")
        ratio = round(a / b, 2) if a and b and concurrent else None
        errors = sum((figures.get(n) or {}).get("errors") or 0 for n in (case, peer))
        met = None if ratio is None else ratio <= most and not errors
        checked.append({"target": description, "case": case, "peer": peer,
                        "needed": most, "at_most": True, "ratio": ratio, "met": met})  # fmt: skip
    return checked


def bench_text(figures: dict[str, Any]) -> str:
    lines = [
        f"{'case':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'x hello':>9}"
        f"{'x ceiling':>11}"
    ]
    for name, values in figures["cases"].items():
        if values.get("unavailable"):
            lines.append(f"{name:<24}unavailable: {values['unavailable']}")
            continue
        errors = (
            f"  ({values['errors']} unexpected answers)" if values.get("errors") else ""
        )
        ceiling = values.get("ratio_ceiling")
        lines.append(
            f"{name:<24}{values['rps']:>10,.1f}{values['p50_ms']:>10.2f}"
            f"{values['p99_ms']:>10.2f}{values['ratio'] or 0:>9.2f}"
            f"{'' if ceiling is None else f'{ceiling:.2f}':>11}{errors}"
        )
    lines.append("")
    lines.append(f"Targets (load generator: {figures['load_generator']}):")
    for target in figures["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
        ratio = "-" if target["ratio"] is None else f"{target['ratio']:.2f}"
        bound = "<=" if target.get("at_most") else ">="
        lines.append(
            f"  {verdict:<13} {target['target']}: {ratio} "
            f"(needs {bound} {target['needed']})"
        )
        cause = MISSED_CAUSES.get((target["case"], target["peer"]))
        if target["met"] is False and cause and not target.get("at_most"):
            lines.append(f"{'':<16}why: {cause}")
    return "\n".join(lines) + "\n"
