import re

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_lists_every_endpoint(client):
    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/auth/register/",
        "/api/auth/token/",
        "/api/auth/token/refresh/",
        "/api/auth/token/verify/",
        "/api/auth/logout/",
        "/api/auth/logout-all/",
        "/api/me/",
        "/api/me/password/",
        "/api/health/",
    ):
        assert path in schema["paths"]
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


def test_swagger_ui_loads_its_assets_from_this_site(client):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets
    for url in assets:
        assert url.startswith("/"), url  # no CDN
    script = next(url for url in assets if url.endswith(".js"))
    assert client.get(script).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("get", "/api/me/", {"200", "401", "503"}),
        ("patch", "/api/me/", {"200", "400", "401", "403", "413", "415", "503"}),
        ("post", "/api/auth/token/", {"200", "400", "401", "413", "415", "429", "503"}),
        ("post", "/api/auth/register/", {"201", "400", "413", "415", "429", "503"}),
        ("get", "/api/health/", {"200", "503"}),
        (
            "post",
            "/api/me/password/",
            {"200", "400", "401", "403", "413", "415", "429", "503"},
        ),
    ],
)
def test_schema_documents_the_error_answers(client, method, path, statuses):
    schema = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()
    responses = schema["paths"][path][method]["responses"]

    assert set(responses) == statuses
    if "401" in responses:
        body = responses["401"]["content"]["application/json"]["schema"]
        assert body["required"] == ["detail", "code"]
    if "429" in responses:
        assert "Retry-After" in responses["429"]["headers"]


def test_in_cookie_mode_the_schema_documents_sign_in_without_tokens_in_the_body(
    client, settings, user, obtain
):
    settings.JWT_COOKIE = True
    schema = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()

    paths = (
        "/api/auth/token/",
        "/api/auth/token/mfa/",
        "/api/auth/token/refresh/",
        "/api/me/password/",
    )
    for path in paths:
        ok = schema["paths"][path]["post"]["responses"]["200"]
        body_schema = ok["content"]["application/json"]["schema"]
        if path == "/api/auth/token/":
            # Or, for an account with a second factor, the mfa_token.
            body_schema, asks_second_factor = body_schema["oneOf"]
            assert "mfa_token" in asks_second_factor["required"]
        assert body_schema["required"] == ["detail"], path
        assert "access" not in body_schema["properties"]
    signed_in = obtain()
    assert signed_in.status_code == 200
    assert set(signed_in.json()) == {"detail"}
