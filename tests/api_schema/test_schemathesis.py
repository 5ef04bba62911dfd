"""The API against its own OpenAPI schema (schemathesis, in process through WSGI).

Every operation of /api/schema/ gets generated requests, once without credentials,
once with a fresh valid access token for alice, and once with JWT_COOKIE=1 and the
access token in its cookie (with the CSRF token). Every answer must be documented
(status, content type, body shape), none may be a 5xx, and a request that was refused
(4xx) must leave the database as it was: no user, token, blacklist entry or profile
change. The number of examples per operation is bounded so the run stays short.
"""

import secrets

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
    unsupported_method,
)

from accounts.tokens import cookies
from accounts.tokens.claims import AccessToken
from authsite.wsgi import application

# Over the default run's budget: `make test-slow` runs it (CI does too).
pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 50

User = get_user_model()


# Loaded when the module is collected: generating the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _keep_the_test_database_connection():
    # Through the real WSGI handler Django closes the database connection at the end
    # of each request, and with it the test's transaction (PostgreSQL; SQLite's test
    # database is in memory and never closed). Django's test client does the same.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def database_state() -> tuple:
    users = User.objects.order_by("pk").values_list(
        "pk", "username", "email", "first_name", "last_name", "password",
        "is_active", "is_staff", "is_superuser", "token_valid_after",
    )  # fmt: skip
    return (
        list(users),
        OutstandingToken.objects.count(),
        BlacklistedToken.objects.count(),
    )


# A request the schema allows may still be refused for what it means (a wrong old
# password, a taken name, a password the validators refuse): the schema cannot say so.
NOT_CHECKED = [positive_data_acceptance]


def call_and_check(case, headers=None, excluded=()):
    before = database_state()
    response = case.call(headers=headers)
    case.validate_response(
        response, headers=headers, excluded_checks=[*NOT_CHECKED, *excluded]
    )
    if 400 <= response.status_code < 500:
        assert database_state() == before, (
            f"{case.method} {case.path} answered {response.status_code} but changed "
            "the database"
        )


common = hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@common
def test_api_matches_its_schema_without_credentials(case, user):
    # DRF authenticates before it looks at the method: an anonymous TRACE gets 401,
    # which tells a stranger no more than 405 would.
    call_and_check(case, excluded=[unsupported_method])


@schema.parametrize()
@common
def test_api_matches_its_schema_with_a_valid_token(case, user):
    token = AccessToken.for_user(user)
    call_and_check(case, headers={"Authorization": f"Bearer {token}"})


def test_api_in_cookie_mode_matches_its_schema(user, settings):
    settings.JWT_COOKIE = True
    # Loaded now, under JWT_COOKIE=1: the token answers document cookies, not tokens.
    cookie_schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    csrf = secrets.token_hex(16)
    operations = [result.ok() for result in cookie_schema.get_all_operations()]
    assert len(operations) == len(list(schema.get_all_operations()))

    for operation in operations:

        @given(case=operation.as_strategy())
        @common
        def run(case):
            access = AccessToken.for_user(user)
            cookie = (
                f"{cookies.access_cookie_name()}={access}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}"
            )
            call_and_check(case, headers={"Cookie": cookie, "X-CSRFToken": csrf})

        run()
