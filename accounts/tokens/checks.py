"""System checks for the JWT configuration: one line each, naming the value at fault."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from accounts.tokens.keys import SYMMETRIC_ALGORITHMS, keys_load

MIN_HMAC_KEY_BYTES = 32


@register(Tags.security, deploy=False)
def check_jwt_keys(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The keys load; with HS256 and DEBUG off, the secret is long and not SECRET_KEY."""
    algorithm = settings.JWT_ALGORITHM
    if algorithm in SYMMETRIC_ALGORITHMS and not settings.DEBUG:
        key = settings.JWT_SIGNING_KEY
        if not key:
            return [
                Error(
                    "JWT_SIGNING_KEY is required when DJANGO_DEBUG is off.",
                    id="authsite.E010",
                )
            ]
        if key == settings.SECRET_KEY:
            return [
                Error(
                    "JWT_SIGNING_KEY must not be DJANGO_SECRET_KEY.", id="authsite.E011"
                )
            ]
        if len(key.encode("utf-8")) < MIN_HMAC_KEY_BYTES:
            return [
                Error(
                    f"JWT_SIGNING_KEY is {len(key.encode('utf-8'))} bytes; HS256 needs "
                    f"at least {MIN_HMAC_KEY_BYTES}.",
                    id="authsite.E012",
                )
            ]
    try:
        keys_load(
            algorithm=algorithm,
            signing_key=settings.JWT_SIGNING_KEY,
            signing_key_file=settings.JWT_SIGNING_KEY_FILE,
            verifying_key_files=list(settings.JWT_VERIFYING_KEY_FILES),
        )
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="authsite.E013")]
    return []
