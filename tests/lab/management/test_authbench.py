"""authbench, run small: the figures it prints, never a timed assertion."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

# Starts real nodes, nginx and stores: over the default run's budget (`make test-slow`).
pytestmark = [pytest.mark.lab, pytest.mark.slow]

CASES = ["hello", "page_ceiling", "page_redis", "page_db", "api_hello", "api_jwt", "api_drf_token",
         "login", "login_pbkdf2"]  # fmt: skip


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    stdout = StringIO()
    call_command(
        "authbench", "--cases", ",".join(CASES), "--rounds", "1", "--seconds", "0.5",
        "--concurrency", "2", "--generator", "python", "--json", "--quiet",
        "--out", str(tmp_path_factory.mktemp("authbench")), stdout=stdout,
    )  # fmt: skip
    return json.loads(stdout.getvalue())


def measured(bench, name):
    case = bench["cases"][name]
    assert not case.get("unavailable"), (
        f"case {name!r} not measured: {case['unavailable']}"
    )
    return case


def test_authbench_prints_every_requested_case(bench):
    assert list(bench["cases"]) == CASES


@pytest.mark.parametrize("name", CASES)
def test_authbench_measures_case(bench, name):
    case = measured(bench, name)

    assert case["rps"] > 0
    assert 0 < case["p50_ms"] <= case["p99_ms"]
    assert case["errors"] == 0


def test_authbench_ratio_is_to_the_unauthenticated_page(bench):
    hello, login = measured(bench, "hello"), measured(bench, "login")

    assert hello["ratio"] == 1
    assert login["ratio"] == pytest.approx(login["rps"] / hello["rps"], abs=0.01)


def test_authbench_reports_every_target(bench):
    targets = {(t["case"], t["peer"]) for t in bench["targets"] if not t.get("at_most")}

    assert targets == {
        ("page_redis", "page_ceiling"), ("page_redis", "hello"), ("api_jwt", "api_hello"),
        ("api_jwt", "api_drf_token"), ("page_redis", "page_db"), ("login", "login_pbkdf2"),
    }  # fmt: skip


def test_authbench_reports_each_page_against_its_ceiling(bench):
    ceiling, page = measured(bench, "page_ceiling"), measured(bench, "page_redis")

    assert ceiling["ratio_ceiling"] == 1
    assert page["ratio_ceiling"] == pytest.approx(
        page["rps"] / ceiling["rps"], abs=0.01
    )


def test_authbench_judges_each_target_on_the_measured_ratio(bench):
    for target in bench["targets"]:
        if target.get("at_most"):
            assert target["met"] is None  # p99: only under --workers 4 --connections 64
            continue
        case, peer = measured(bench, target["case"]), measured(bench, target["peer"])
        ratio = round(case["rps"] / peer["rps"], 2)

        assert target["ratio"] == ratio
        assert target["met"] is (ratio >= target["needed"])
