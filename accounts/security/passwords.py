"""Password hashing and validation: Argon2id with costs from settings, and a length cap.

Named in settings (PASSWORD_HASHERS, AUTH_PASSWORD_VALIDATORS).
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher with its cost read from settings.

    The defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). Hashes made with other
    costs still verify, and ``must_update`` rehashes them at the next sign-in.
    """

    # Django declares the costs as class attributes; a property reads settings at
    # call time, which the stubs cannot express as an override.
    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return settings.AUTHSITE_ARGON2_MEMORY_KIB

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return settings.AUTHSITE_ARGON2_TIME_COST

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return settings.AUTHSITE_ARGON2_PARALLELISM

    def verify(self, password: str, encoded: str) -> bool:
        # An oversized password can never match; refuse it before any hashing work.
        if len(password) > settings.AUTHSITE_PASSWORD_MAX_LENGTH:
            return False
        return super().verify(password, encoded)


class MaximumLengthValidator:
    """Refuse passwords longer than AUTHSITE_PASSWORD_MAX_LENGTH characters."""

    def validate(self, password: str, user: object = None) -> None:
        limit = settings.AUTHSITE_PASSWORD_MAX_LENGTH
        if len(password) > limit:
            raise ValidationError(
                _(
                    "This password is too long. It must contain at most %(limit)d characters."
                )
                % {"limit": limit},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password must contain at most %(limit)d characters.") % {
            "limit": settings.AUTHSITE_PASSWORD_MAX_LENGTH
        }
