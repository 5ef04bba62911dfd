"""The page authbench measures: the site's layout around one heading, reading nothing
but the session and its user, so that its figures show what authentication costs."""

import pytest
from django.urls import include, path

from lab import bench_views
from lab.runner.bench import PAGE, cases_define

pytestmark = pytest.mark.django_db

# The site as an authbench node serves it (the bench URLs are added at start-up only
# when AUTHSITE_LAB_BENCH is set).
urlpatterns = [
    path(PAGE.lstrip("/"), bench_views.page),
    path("", include("authsite.urls")),
]


@pytest.mark.urls(__name__)
def test_bench_page_signed_in_reads_no_database_when_warm(
    client_signed_in, django_assert_num_queries
):
    client_signed_in.get(PAGE)

    with django_assert_num_queries(0):
        page = client_signed_in.get(PAGE)

    assert page.status_code == 200
    assert "Signed in as alice" in page.text


@pytest.mark.urls(__name__)
def test_bench_page_anonymous_says_nobody_is_signed_in(client):
    page = client.get(PAGE)

    assert page.status_code == 200
    assert "You are not signed in." in page.text


def test_every_page_case_and_hello_request_the_bench_page():
    cases = [
        c for c in cases_define() if c.name == "hello" or c.name.startswith("page_")
    ]

    assert {c.path for c in cases} == {PAGE}
