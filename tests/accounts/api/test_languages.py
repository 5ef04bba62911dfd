"""API error messages follow the client's Accept-Language; codes stay the same."""

import pytest
from django.conf import settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}


def test_unknown_api_path_is_answered_in_korean(api_client):
    response = api_client.get("/api/no-such-thing/", **KOREAN)

    assert response.status_code == 404
    assert response.json() == {"detail": "찾을 수 없습니다.", "code": "not_found"}


def test_unknown_api_path_is_answered_in_english_without_the_header(api_client):
    response = api_client.get("/api/no-such-thing/")

    assert response.json()["detail"] == "Not found."


def test_wrong_credentials_are_refused_in_korean(user, obtain):
    response = obtain("alice", "wrong-password", **KOREAN)

    assert response.status_code == 401
    detail = response.json()["detail"]
    assert detail != "No active account found with the given credentials"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in detail)  # Hangul syllables


def test_lockout_is_explained_in_korean(user, obtain):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = obtain("alice", "wrong-password", **KOREAN)

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "로그인에 여러 번 실패했습니다" in response.json()["detail"]
    assert "분 후에 다시 시도해 주세요" in response.json()["detail"]


def test_lockout_is_explained_in_english_without_the_header(user, obtain):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = obtain("alice", "wrong-password")

    assert response.json()["detail"].startswith("Too many failed sign-in attempts")


def test_request_too_large_is_refused_in_korean(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = api_client.post(
        "/api/auth/token/",
        {"username": "x" * 200, "password": PASSWORD},
        format="json",
        **KOREAN,
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["detail"] == "요청 본문이 너무 큽니다."
