"""What users and staff see of sign-ins: the AuthEvent rows of the activity, and the
live sessions' admin page (a model with no table)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.users import User


class AuthEvent(models.Model):
    """A session started or ended: the user's security activity and the staff's log."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGOUT = "logout", _("signed out")
        REVOKE = "revoke", _("session ended from another device")
        EXPIRED = "expired", _("session timed out")
        PASSWORD_CHANGE = "password_change", _("password changed; other sessions ended")
        PASSWORD_RESET = "password_reset", _("password reset; all sessions ended")
        LIMIT = "limit", _("session ended: too many sessions")
        ADMIN_REVOKE = "admin_revoke", _("session ended by an administrator")
        LOGIN_FAILED = "login_failed", _("failed sign-in attempt")
        LOCKED_OUT = "locked_out", _("sign-in refused: too many failed attempts")
        FACTORS_RESET = "factors_reset", _("second factors reset by an administrator")

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="auth_events",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    session_id = models.CharField(_("session"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    #: How a sign-in was made: its RFC 8176 ``amr`` values, space-separated ("pwd",
    #: "pwd otp mfa", "hwk user"); empty for other events.
    method = models.CharField(_("sign-in method"), max_length=40, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        ordering = ("-created", "-id")
        indexes = [models.Index(fields=["user", "-created"])]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.created:%Y-%m-%d %H:%M}"


class LiveSession(models.Model):
    """No table: the admin's page over the live sessions in the store, and its rights."""

    class Meta:
        managed = False
        default_permissions = ("view", "delete")
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
