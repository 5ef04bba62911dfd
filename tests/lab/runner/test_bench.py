"""authbench's verdicts, on figures as a run returns them."""

import pytest

from lab.runner.bench import bench_text, targets_check


def figures(**rps):
    return {name: {"rps": value} for name, value in rps.items()}


@pytest.fixture
def checked():
    measured = figures(
        hello=1000.0, page_redis=800.0, page_db=700.0, api_hello=1000.0,
        api_jwt=790.0, api_drf_token=None, login=60.0, login_pbkdf2=10.0,
    )  # fmt: skip
    return {(t["case"], t["peer"]): t for t in targets_check(measured)}


def test_target_is_met_when_the_ratio_reaches_what_it_needs(checked):
    target = checked[("page_redis", "hello")]

    assert (target["ratio"], target["needed"], target["met"]) == (0.8, 0.8, True)


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
        "  met           authenticated page on redis vs unauthenticated page: 0.80"
        in text
    )
    assert (
        "  MISSED        JWT API call vs unauthenticated API call: 0.79 (needs >= 0.8)"
        in text
    )
    assert "  not measured  JWT API call vs DRF TokenAuthentication: -" in text
