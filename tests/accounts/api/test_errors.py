"""Bad input to every endpoint is a 4xx JSON answer, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

POST_ENDPOINTS = [
    "/api/auth/register/",
    "/api/auth/token/",
    "/api/auth/token/refresh/",
    "/api/auth/token/verify/",
    "/api/auth/logout/",
    "/api/auth/logout-all/",
    "/api/me/password/",
]
BAD_BODIES = [
    b"{not json",
    b'{"username": "alice", ',
    b"[1, 2, 3]",
    b'"a string"',
    b"null",
    b"\xff\xfe\x00garbage",
    b'{"username": ["alice"], "password": {"a": 1}, "refresh": 5, "token": [], '
    b'"old_password": null, "new_password": 7, "email": {}}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"username": "' + b"9" * 5000 + b'", "password": 1e999999}',
    b'{"username": "al\\u0000ice", "password": "x\\u0000"}',
]


def assert_json_4xx(response, allowed=(400, 401, 413, 415)):
    assert response.status_code in allowed, (response.status_code, response.content)
    body = response.json()
    assert isinstance(body, dict)
    assert body


@pytest.mark.parametrize("path", POST_ENDPOINTS)
@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_malformed_or_mistyped_json_is_a_4xx(api_client_signed_in, path, body):
    response = api_client_signed_in.generic(
        "POST", path, body, content_type="application/json"
    )

    if path == "/api/auth/logout-all/" and response.status_code == 204:
        return  # it takes no fields: a well-formed body of any shape is ignored
    assert_json_4xx(response)


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_missing_fields_are_a_400_naming_them(api_client_signed_in, path):
    response = api_client_signed_in.post(path, {}, format="json")

    if path in ("/api/auth/logout-all/",):
        assert response.status_code == 204
        return
    assert response.status_code == 400
    assert all(isinstance(v, list) for v in response.json().values())


def test_malformed_json_says_so(api_client):
    response = api_client.generic(
        "POST", "/api/auth/token/", b"{oops", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize("path", [*POST_ENDPOINTS, "/api/me/"])
def test_oversized_body_is_413(api_client_signed_in, path, settings):
    body = (
        b'{"username": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    )
    method = "PATCH" if path == "/api/me/" else "POST"

    response = api_client_signed_in.generic(
        method, path, body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_form_encoded_body_is_415(api_client):
    response = api_client.post("/api/auth/token/", {"username": "alice"})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_patch_me_with_mistyped_fields_is_400(api_client_signed_in):
    response = api_client_signed_in.patch(
        "/api/me/", {"first_name": ["x"], "email": 5}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"first_name", "email"}


def test_wrong_method_is_405_json(api_client):
    response = api_client.get("/api/auth/token/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer \u00e9\u00e9",
        "Basic abc",
        "Bearer " + "x" * 10_000,
    ],
)
def test_odd_authorization_headers_are_401(api_client, header):
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401


def test_oversized_password_is_400_before_hashing(api_client, user):
    response = api_client.post(
        "/api/auth/token/", {"username": "alice", "password": "x" * 5000}, format="json"
    )

    assert response.status_code == 400
    assert "password" in response.json()


def test_unknown_api_path_is_a_json_404(api_client):
    response = api_client.get("/api/nothing-here/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_missing_trailing_slash_is_a_json_404_that_says_so(api_client, user):
    response = api_client.post(
        "/api/auth/token", {"username": "alice", "password": "x"}, format="json"
    )

    assert response.status_code == 404
    assert "/api/auth/token/" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/token/", {"username": 5, "password": "x"}),
        ("/api/auth/token/refresh/", {"refresh": 0}),
        ("/api/auth/token/verify/", {"token": True}),
        (
            "/api/auth/register/",
            {"username": "carol", "email": "c@e.com", "password": 1.5},
        ),
    ],
)
def test_a_number_where_a_string_belongs_is_400_naming_the_field(
    api_client, path, body
):
    response = api_client.post(path, body, format="json")

    assert response.status_code == 400
    (field,) = [name for name, value in body.items() if not isinstance(value, str)]
    assert response.json()[field] == ["Not a valid string."]


def test_patch_me_with_a_number_for_a_name_is_400_and_changes_nothing(
    api_client_signed_in, user
):
    response = api_client_signed_in.patch("/api/me/", {"last_name": 0}, format="json")

    assert response.status_code == 400
    assert response.json() == {"last_name": ["Not a valid string."]}
    user.refresh_from_db()
    assert user.last_name == ""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_path_answers_json_404_for_unsafe_methods_too(method):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)("/api/me/sessions/%C2%84/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
