from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
