"""What the environment variables make the site do, each read by a fresh process."""

import json

import pytest
from cryptography.fernet import Fernet

from tests.helpers.live_site import (
    PRODUCTION_JWT_SIGNING_KEY,
    PRODUCTION_MFA_KEY,
    PRODUCTION_SECRET_KEY,
    fresh_process,
    manage_check,
)

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": PRODUCTION_SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "localhost",
    "AUTHSITE_SITE_URL": "https://auth.example.com",
    "JWT_SIGNING_KEY": PRODUCTION_JWT_SIGNING_KEY,
    "AUTHSITE_MFA_KEY": PRODUCTION_MFA_KEY,
}

# The login page over https (as the TLS proxy forwards it): its HSTS header and the
# cookies it sets, with whether each is Secure.
LOGIN_PAGE_PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get(
    "/accounts/login/", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https",
    secure=True,
)
print(json.dumps({
    "status": response.status_code,
    "hsts": response.headers.get("Strict-Transport-Security"),
    "cookies": {name: bool(m["secure"]) for name, m in response.cookies.items()},
}))
"""


def login_page(**env: str) -> dict:
    result = fresh_process(
        "-c", LOGIN_PAGE_PROBE, DJANGO_SETTINGS_MODULE="authsite.settings", **env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is required"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS is required"),
        ("JWT_SIGNING_KEY", "JWT_SIGNING_KEY is required"),
    ],
)
def test_production_refuses_to_start_without_a_required_variable(missing, message):
    result = manage_check(**{**PRODUCTION_ENV, missing: ""})

    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_checks():
    # The baseline of the test above: only the variable left out makes it fail.
    result = manage_check(**PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr


def test_debug_off_sends_hsts_and_secure_host_prefixed_cookies():
    page = login_page(**PRODUCTION_ENV)

    assert page["status"] == 200
    assert page["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert page["cookies"] == {"__Host-csrftoken": True}


def test_debug_on_sends_no_hsts_and_plain_cookies():
    page = login_page(DJANGO_DEBUG="1")

    assert page["status"] == 200
    assert page["hsts"] is None
    assert page["cookies"] == {"csrftoken": False}


def test_hsts_variables_change_the_header():
    page = login_page(
        **PRODUCTION_ENV,
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_PRELOAD="0",
    )

    assert page["hsts"] == "max-age=3600; includeSubDomains"


def test_importing_the_settings_creates_no_folder(tmp_path):
    var_dir = tmp_path / "var"

    result = fresh_process(
        "-c", "import authsite.settings", AUTHSITE_VAR_DIR=str(var_dir)
    )

    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()


def test_start_up_creates_the_var_and_static_folders(tmp_path):
    var_dir = tmp_path / "var"

    result = manage_check(**PRODUCTION_ENV, AUTHSITE_VAR_DIR=str(var_dir))

    assert result.returncode == 0, result.stderr
    assert (var_dir / "static").is_dir()


def start_wsgi(**env):
    """Load the site as gunicorn does (the WSGI application), with ``env``."""
    return fresh_process(
        "-c",
        "from django.core.wsgi import get_wsgi_application; "
        "get_wsgi_application(); print('started')",
        **{**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "authsite.settings", **env},
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
        ({"AUTHSITE_MFA_KEY": ""}, "AUTHSITE_MFA_KEY is missing or not a Fernet key"),
        ({"AUTHSITE_MFA_KEY": "x" * 44}, "AUTHSITE_MFA_KEY is missing or not"),
    ],
    ids=[
        "short-jwt-key",
        "no-jwt-key",
        "few-characters",
        "insecure-prefix",
        "no-url",
        "no-mfa-key",
        "bad-mfa-key",
    ],
)
def test_a_weak_or_missing_key_stops_the_server_at_start_up(env, line):
    result = start_wsgi(**env)

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert line in result.stderr.strip().splitlines()[-1]


def test_debug_makes_its_keys_once_per_checkout_readable_by_the_owner_only(tmp_path):
    show = (
        "from django.conf import settings as s; "
        "print(s.SECRET_KEY, s.JWT_SIGNING_KEY, s.AUTHSITE_MFA_KEY)"
    )
    env = {
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "",
        "JWT_SIGNING_KEY": "",
        "AUTHSITE_MFA_KEY": "",
    }

    first = fresh_process(
        "manage.py", "shell", "-c", show, AUTHSITE_VAR_DIR=str(tmp_path), **env
    )
    second = fresh_process(
        "manage.py", "shell", "-c", show, AUTHSITE_VAR_DIR=str(tmp_path), **env
    )

    assert first.returncode == 0, first.stderr
    secret_key, jwt_key, mfa_key = first.stdout.split()[-3:]
    assert first.stdout.split()[-3:] == second.stdout.split()[-3:]
    assert Fernet(mfa_key)
    assert len(secret_key) >= 50
    assert len(jwt_key) >= 32
    assert "insecure" not in secret_key + jwt_key
    for name in ("secret_key", "jwt_signing_key", "mfa_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def test_passwords_are_hashed_with_argon2id_at_owasps_minimum_cost():
    # The suite hashes at a cheaper cost (tests/settings.py); the site's own settings
    # hash with 19 MiB, two passes and one lane (OWASP's Password Storage Cheat Sheet).
    result = fresh_process(
        "-c",
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password;"
        "print(make_password('a long password 123'))",
        DJANGO_SETTINGS_MODULE="authsite.settings",
    )

    assert result.returncode == 0, result.stderr
    assert "$argon2id$v=19$m=19456,t=2,p=1$" in result.stdout
