"""Second factors: the Authenticator rows, and ``User.has_second_factor`` kept in step
with them by every write."""

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.users import User


class AuthenticatorQuerySet(models.QuerySet["Authenticator"]):
    """Writes in bulk that keep ``User.has_second_factor`` of the users they touch."""

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            user_ids = set(self.values_list("user_id", flat=True))
            result = super().delete()
            second_factor_flags_refresh(user_ids)
        return result

    def update(self, **kwargs: Any) -> int:
        if not {"kind", "user", "user_id"} & kwargs.keys():
            return super().update(**kwargs)
        with transaction.atomic():
            user_ids = set(self.values_list("user_id", flat=True))
            owner = kwargs.get("user", kwargs.get("user_id"))
            if owner is not None:
                user_ids.add(getattr(owner, "pk", owner))
            count = super().update(**kwargs)
            second_factor_flags_refresh(user_ids)
        return count

    def bulk_create(
        self, objs: Iterable["Authenticator"], *args: Any, **kwargs: Any
    ) -> list["Authenticator"]:
        with transaction.atomic():
            made = super().bulk_create(objs, *args, **kwargs)
            second_factor_flags_refresh(row.user_id for row in made)
        return made


class Authenticator(models.Model):
    """One second factor of a user: an authenticator app, a set of recovery codes, or a
    passkey. What each kind keeps lives in ``data`` (the TOTP secret encrypted, recovery
    codes hashed, a passkey's public key), read and written only by its module in
    ``accounts/mfa/``.
    """

    class Kind(models.TextChoices):
        TOTP = "totp", _("authenticator app")
        RECOVERY_CODES = "recovery_codes", _("recovery codes")
        PASSKEY = "passkey", _("passkey")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="authenticators",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = AuthenticatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")
        constraints: ClassVar = [
            # One app and one set of recovery codes per user; any number of passkeys.
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(kind__in=["totp", "recovery_codes"]),
                name="authenticator_one_app_one_code_set",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["user", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A code used or a passkey renamed changes no one's factors.
            if update_fields is None or {"kind", "user", "user_id"} & set(
                update_fields
            ):
                self._owner_refresh()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self._owner_refresh()
        return result

    def _owner_refresh(self) -> None:
        flags = second_factor_flags_refresh([self.user_id])
        # The caller's copy of the user says so at once, too.
        if Authenticator.user.is_cached(self) and self.user_id in flags:
            self.user.has_second_factor = flags[self.user_id]


#: The kinds that make a second factor by themselves (recovery codes only back one up).
PRIMARY_KINDS = (Authenticator.Kind.TOTP, Authenticator.Kind.PASSKEY)


def second_factor_flags_refresh(user_ids: Iterable[int]) -> dict[int, bool]:
    """Set ``User.has_second_factor`` of ``user_ids`` from their Authenticator rows, in
    the caller's transaction; return each user's flag. A change goes out as
    ``users_updated``, which drops the user's cached snapshots (token record, the
    snapshots beside the sessions): every session of the user sees it next page."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    with transaction.atomic():
        # The users' rows are locked before their factors are read: of two
        # transactions removing a user's last two factors at once, the later reads
        # after the earlier committed, and does not leave the flag set.
        list(User.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        primary = Authenticator.objects.filter(
            user=OuterRef("pk"), kind__in=PRIMARY_KINDS
        )
        rows = (
            User.objects.filter(pk__in=ids)
            .annotate(factor=Exists(primary))
            .values_list("pk", "has_second_factor", "factor")
        )
        flags: dict[int, bool] = {}
        stale: dict[bool, list[int]] = {}
        for pk, flag, factor in rows:
            flags[pk] = bool(factor)
            if bool(flag) != bool(factor):
                stale.setdefault(bool(factor), []).append(pk)
        for value, changed in stale.items():
            User.objects.filter(pk__in=changed).update(has_second_factor=value)
    return flags
