import subprocess
import sys
import tempfile

import pytest
from django.conf import settings

from tests.helpers.live_site import PRODUCTION_JWT_SIGNING_KEY, PRODUCTION_SECRET_KEY

PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": PRODUCTION_SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "auth.example.com",
    "JWT_SIGNING_KEY": PRODUCTION_JWT_SIGNING_KEY,
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


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


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
