"""authbench's verdicts, on figures as a run returns them."""

import pytest

from lab.runner.targets import bench_text, targets_check


def figures(**rps):
    return {name: {"rps": value} for name, value in rps.items()}


MEASURED = figures(
    hello=1000.0, page_ceiling=850.0, page_redis=800.0, page_db=700.0,
    api_hello=1000.0, api_jwt=790.0, api_drf_token=None, login=60.0, login_pbkdf2=10.0,
)  # fmt: skip


@pytest.fixture
def checked():
    return {
        (t["case"], t["peer"]): t
        for t in targets_check(MEASURED)
        if not t.get("at_most")
    }


def test_target_is_met_when_the_ratio_reaches_what_it_needs(checked):
    target = checked[("page_redis", "hello")]

    assert (target["ratio"], target["needed"], target["met"]) == (0.8, 0.75, True)


def test_page_is_judged_against_its_ceiling(checked):
    target = checked[("page_redis", "page_ceiling")]

    assert (target["ratio"], target["needed"], target["met"]) == (0.94, 0.9, True)


@pytest.mark.parametrize(
    ("sqlite", "needed", "met"), [(False, 1.5, False), (True, 1.2, True)]
)
def test_jwt_against_drf_token_needs_less_on_sqlite(sqlite, needed, met):
    measured = {**MEASURED, **figures(api_drf_token=600.0)}

    (target,) = [
        t
        for t in targets_check(measured, sqlite=sqlite)
        if t["peer"] == "api_drf_token"
    ]

    assert (target["ratio"], target["needed"], target["met"]) == (1.32, needed, met)


def p99_target(measured, *, concurrent):
    (target,) = [
        t for t in targets_check(measured, concurrent=concurrent) if t.get("at_most")
    ]
    return target


def test_p99_target_is_judged_only_under_concurrent_load():
    measured = {"hello": {"p99_ms": 10.0}, "page_redis": {"p99_ms": 30.0}}

    assert p99_target(measured, concurrent=False)["met"] is None
    assert (p99_target(measured, concurrent=True)["ratio"], p99_target(measured, concurrent=True)["met"]) == (3.0, False)  # fmt: skip


def test_p99_target_is_missed_when_a_request_failed():
    measured = {
        "hello": {"p99_ms": 10.0, "errors": 0},
        "page_redis": {"p99_ms": 15.0, "errors": 1},
    }

    assert p99_target(measured, concurrent=True)["met"] is False


def test_target_is_missed_when_the_ratio_falls_short(checked):
    jwt = checked[("api_jwt", "api_hello")]
    database = checked[("page_redis", "page_db")]

    assert (jwt["ratio"], jwt["met"]) == (0.79, False)
    assert (database["ratio"], database["needed"], database["met"]) == (
        1.14,
        1.3,
        False,
    )


def test_target_with_a_case_not_measured_is_neither_met_nor_missed(checked):
    target = checked[("api_jwt", "api_drf_token")]

    assert (target["ratio"], target["met"]) == (None, None)


def test_target_ratio_is_case_over_peer(checked):
    target = checked[("login", "login_pbkdf2")]

    assert (target["ratio"], target["needed"], target["met"]) == (6.0, 5.0, True)


def test_bench_text_names_each_verdict(checked):
    text = bench_text(
        {"cases": {}, "targets": list(checked.values()), "load_generator": "python"}
    )

    assert (
        "  met           signed-in page on redis vs unauthenticated page: 0.80" in text
    )
    assert (
        "  MISSED        JWT API call vs unauthenticated API call: 0.79 (needs >= 0.8)"
        in text
    )
    assert "  not measured  JWT API call vs DRF TokenAuthentication: -" in text


def test_bench_text_says_why_a_target_was_missed(checked):
    text = bench_text(
        {"cases": {}, "targets": list(checked.values()), "load_generator": "python"}
    )

    assert "why: the JWT adds one Redis HGETALL" in text
    assert "why: the signed-in page renders more" not in text  # that one was met
