import subprocess
import sys
import tempfile

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "q8Vn2!tR-wZ4pL0m@Ks7#yB1xE9uH3dJ6cF5gA^zT_" * 2,
    "DJANGO_ALLOWED_HOSTS": "auth.example.com",
    "JWT_SIGNING_KEY": "z7Kq-Lr2+Vb9#Hn4$Wc6!Tm1@Yd8%Gs3^Pf5&Jx0*Ae7" * 2,
}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **PRODUCTION_ENV,
            "AUTHSITE_VAR_DIR": tempfile.mkdtemp(),
            "REDIS_URL": settings.REDIS_URL,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_security_headers_on_every_page(client, path):
    response = client.get(path)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_and_secure_cookies_when_debug_is_off(client, user, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True

    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct-Horse-battery-9"},
        secure=True,
    )

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True
