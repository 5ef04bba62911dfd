"""The messages that prove a user reads an address (a link and a code)."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailVerification(models.Model):
    """A message sent to ``email`` to prove that ``user`` reads it: a link with a key
    and a 6-digit code. Only hashes are stored. When ``email`` is not the user's
    address, confirming it makes it the user's address (an email change)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_verifications",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("email address"), max_length=254)
    # SHA-256 of the link's key (a random 256-bit value: no salt or stretching needed).
    key_hash = models.CharField(max_length=64, unique=True)
    # HMAC of the code with SECRET_KEY: six digits alone are guessed offline at once.
    code_hash = models.CharField(max_length=64)
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("email verification")
        verbose_name_plural = _("email verifications")
        indexes: ClassVar = [models.Index(Lower("email"), name="verification_email")]

    def __str__(self) -> str:
        return f"{self.email} until {self.expires_at:%Y-%m-%d %H:%M}"
