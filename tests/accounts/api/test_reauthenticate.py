"""Re-authentication through the API: sensitive calls need the password checked
within AUTHSITE_REAUTH_TIMEOUT by the sign-in (token family) that makes them."""

import time

import pytest
from django.core.cache import caches
from django.test import Client

from accounts.tokens import authenticated
from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in
from tests.helpers.jose import claims_of

pytestmark = pytest.mark.django_db

STALE = 10 * 60


@pytest.fixture
def call(api_client, bearer):
    def call(method, path, token, data=None):
        return getattr(api_client, method)(path, data, format="json", **bearer(token))

    return call


def _age(access: str, seconds: int = STALE) -> None:
    """Put the last password check of this token's sign-in ``seconds`` back."""
    authenticated.family_authenticated(
        family=claims_of(access)["fam"], at=time.time() - seconds
    )


def _forget(access: str) -> None:
    """As when the mark has run out (its Redis key lives the timeout only)."""
    caches["default"].delete(f"jwt:authenticated:{claims_of(access)['fam']}")


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        (
            "post",
            "/api/me/password/",
            {"old_password": PASSWORD, "new_password": "x-Y-z-1234567"},
        ),
        ("post", "/api/auth/logout-all/", None),
        ("delete", "/api/me/", None),
        ("delete", "/api/me/sessions/" + "a" * 32 + "/", None),
    ],
)
def test_sensitive_call_of_an_old_sign_in_is_refused(
    call, tokens, user, method, path, data
):
    _age(tokens["access"])

    response = call(method, path, tokens["access"], data)

    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_sign_in_without_any_mark_is_refused(call, tokens):
    _forget(tokens["access"])

    response = call("post", "/api/auth/logout-all/", tokens["access"])

    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"


def test_obtaining_tokens_counts_as_fresh(call, tokens):
    assert call("post", "/api/auth/logout-all/", tokens["access"]).status_code == 204


def test_reauthenticate_lets_the_sign_in_through(call, tokens, user):
    _age(tokens["access"])

    response = call(
        "post", "/api/me/reauthenticate/", tokens["access"], {"password": PASSWORD}
    )

    assert response.status_code == 204
    assert call("delete", "/api/me/", tokens["access"]).status_code == 204


def test_tokens_refreshed_from_the_sign_in_keep_the_mark(call, api_client, tokens):
    _age(tokens["access"])
    call("post", "/api/me/reauthenticate/", tokens["access"], {"password": PASSWORD})

    renewed = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    ).json()

    assert call("post", "/api/auth/logout-all/", renewed["access"]).status_code == 204


def test_the_mark_is_for_one_sign_in_only(call, obtain, tokens):
    other = obtain().json()
    _age(tokens["access"])
    _age(other["access"])

    call("post", "/api/me/reauthenticate/", other["access"], {"password": PASSWORD})

    response = call("post", "/api/auth/logout-all/", tokens["access"])
    assert response.status_code == 403


def test_wrong_password_is_400_and_marks_nothing(call, tokens):
    _age(tokens["access"])

    response = call(
        "post", "/api/me/reauthenticate/", tokens["access"], {"password": "wrong"}
    )

    assert response.status_code == 400
    assert "password" in response.json()
    assert call("delete", "/api/me/", tokens["access"]).status_code == 403


def test_wrong_passwords_past_the_limit_are_429_and_leave_sign_in_open(
    call, tokens, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        call("post", "/api/me/reauthenticate/", tokens["access"], {"password": "no"})

    response = call(
        "post", "/api/me/reauthenticate/", tokens["access"], {"password": PASSWORD}
    )

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert sign_in(Client(), "alice").status_code == 302


def test_reauthenticate_needs_a_token(api_client, user):
    response = api_client.post(
        "/api/me/reauthenticate/", {"password": PASSWORD}, format="json"
    )

    assert response.status_code == 401


def test_reauthenticate_refuses_a_number_for_the_password(call, tokens):
    response = call(
        "post", "/api/me/reauthenticate/", tokens["access"], {"password": 5}
    )

    assert response.status_code == 400


@pytest.mark.usefixtures("strategy")
def test_reauthentication_works_under_every_strategy(call, tokens):
    _age(tokens["access"])
    assert call("post", "/api/auth/logout-all/", tokens["access"]).status_code == 403

    call("post", "/api/me/reauthenticate/", tokens["access"], {"password": PASSWORD})

    assert call("post", "/api/auth/logout-all/", tokens["access"]).status_code == 204


def test_tokens_from_a_password_change_count_as_fresh(call, tokens):
    changed = call(
        "post",
        "/api/me/password/",
        tokens["access"],
        {"old_password": PASSWORD, "new_password": "x-Y-z-1234567"},
    ).json()

    assert call("post", "/api/auth/logout-all/", changed["access"]).status_code == 204
