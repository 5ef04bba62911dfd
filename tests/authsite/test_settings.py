import subprocess
import sys
import tempfile

import pytest
from django.conf import settings

from tests.live_site import PRODUCTION_JWT_SIGNING_KEY, PRODUCTION_SECRET_KEY

PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": PRODUCTION_SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "auth.example.com",
    "AUTHSITE_SITE_URL": "https://auth.example.com",
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


def test_importing_the_settings_creates_no_folder(tmp_path):
    var_dir = tmp_path / "var"

    result = subprocess.run(
        [sys.executable, "-c", "import authsite.settings"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "AUTHSITE_VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()


def test_start_up_creates_the_var_and_static_folders(tmp_path):
    var_dir = tmp_path / "var"

    result = manage("check", AUTHSITE_VAR_DIR=str(var_dir))

    assert result.returncode == 0, result.stderr
    assert (var_dir / "static").is_dir()


def start_wsgi(var_dir=None, **env):
    """Load the site as gunicorn does (the WSGI application), with ``env``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.core.wsgi import get_wsgi_application; "
            "get_wsgi_application(); print('started')",
        ],
        cwd=settings.BASE_DIR,
        env={
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "authsite.settings",
            "AUTHSITE_VAR_DIR": str(var_dir or tempfile.mkdtemp()),
            "REDIS_URL": settings.REDIS_URL,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_keys_let_the_site_start():
    result = start_wsgi()

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"JWT_SIGNING_KEY": "abc"}, "JWT_SIGNING_KEY is 3 bytes"),
        ({"JWT_SIGNING_KEY": ""}, "JWT_SIGNING_KEY is required"),
        ({"DJANGO_SECRET_KEY": "s" * 60}, "DJANGO_SECRET_KEY is too weak"),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + PRODUCTION_SECRET_KEY},
            "DJANGO_SECRET_KEY is too weak",
        ),
        ({"AUTHSITE_SITE_URL": ""}, "AUTHSITE_SITE_URL is required"),
    ],
    ids=["short-jwt-key", "no-jwt-key", "few-characters", "insecure-prefix", "no-url"],
)
def test_a_weak_or_missing_key_stops_the_server_at_start_up(env, line):
    result = start_wsgi(**env)

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert line in result.stderr.strip().splitlines()[-1]


def test_debug_makes_its_keys_once_per_checkout_readable_by_the_owner_only(tmp_path):
    show = (
        "from django.conf import settings as s; print(s.SECRET_KEY, s.JWT_SIGNING_KEY)"
    )
    env = {"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "", "JWT_SIGNING_KEY": ""}

    first = manage("shell", "-c", show, AUTHSITE_VAR_DIR=str(tmp_path), **env)
    second = manage("shell", "-c", show, AUTHSITE_VAR_DIR=str(tmp_path), **env)

    assert first.returncode == 0, first.stderr
    secret_key, jwt_key = first.stdout.split()[-2:]
    assert first.stdout.split()[-2:] == second.stdout.split()[-2:]
    assert len(secret_key) >= 50
    assert len(jwt_key) >= 32
    assert "insecure" not in secret_key + jwt_key
    for name in ("secret_key", "jwt_signing_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
