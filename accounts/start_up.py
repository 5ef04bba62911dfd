"""The keys the accounts app signs and encrypts with, settled once at start-up:
development keys of its own, and a refusal to run with weak ones.

SECRET_KEY (sessions, links in emails), the JWT signing key (tokens) and the second
factors' key (AUTHSITE_MFA_KEY). Called first in the accounts app's AppConfig.ready(),
so that every process that loads Django (gunicorn, runserver, every manage.py command)
goes through it, and importing the settings stays free of side effects.
"""

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from accounts.tokens.checks import check_jwt_keys
from accounts.tokens.keys import SYMMETRIC_ALGORITHMS


def development_key(path: Path, *, make: Callable[[], str] | None = None) -> str:
    """The key in ``path``, made once (random, mode 0600) when there is none.

    Each checkout gets keys of its own instead of strings published in the
    repository: a development instance reachable by others must not accept tokens
    or sessions forged with a key anyone can read. Written under a temporary name,
    then linked into place, so two processes starting at once agree on one key.
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write((make or _random_key)() + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        temporary.unlink()
    return path.read_text().strip()


def _random_key() -> str:
    return secrets.token_urlsafe(64)


def _fernet_key() -> str:
    return Fernet.generate_key().decode()


def mfa_keys_valid(value: str) -> bool:
    """Whether ``value`` is one or more Fernet keys, comma-separated."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    try:
        for key in keys:
            Fernet(key)
    except ValueError:
        return False
    return bool(keys)


def secret_key_weak(key: str) -> bool:
    """Django's own strength rule for SECRET_KEY (its check security.W009)."""
    return (
        len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or len(key) < SECRET_KEY_MIN_LENGTH
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def keys_settle() -> None:
    """DEBUG on: fill in the keys not given from the var folder. DEBUG off: raise
    ImproperlyConfigured, one line naming the variable, for a weak or missing key."""
    if settings.DEBUG:
        var_dir = Path(settings.VAR_DIR)
        try:
            has_secret_key = bool(settings.SECRET_KEY)
        except ImproperlyConfigured:  # Django refuses to read an empty SECRET_KEY
            has_secret_key = False
        if not has_secret_key:
            settings.SECRET_KEY = development_key(var_dir / "secret_key")
        if (
            settings.JWT_ALGORITHM in SYMMETRIC_ALGORITHMS
            and not settings.JWT_SIGNING_KEY
            and not settings.JWT_SIGNING_KEY_FILE
        ):
            settings.JWT_SIGNING_KEY = development_key(var_dir / "jwt_signing_key")
        if not settings.AUTHSITE_MFA_KEY:
            settings.AUTHSITE_MFA_KEY = development_key(
                var_dir / "mfa_key", make=_fernet_key
            )
        return
    if secret_key_weak(settings.SECRET_KEY):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak: it needs at least "
            f"{SECRET_KEY_MIN_LENGTH} characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} "
            f"of them different, and no {SECRET_KEY_INSECURE_PREFIX!r} prefix."
        )
    errors = check_jwt_keys()
    if errors:
        raise ImproperlyConfigured(errors[0].msg)
    if not mfa_keys_valid(settings.AUTHSITE_MFA_KEY):
        raise ImproperlyConfigured(
            "AUTHSITE_MFA_KEY is missing or not a Fernet key (make one with "
            "Fernet.generate_key() of the cryptography package)."
        )
