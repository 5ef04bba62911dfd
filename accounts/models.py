import functools
import zoneinfo
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# The table of the database session strategies lives with their code; importing it
# here is what makes Django load it with the app's models.
from accounts.sessions.models import UserSession  # noqa: F401
from accounts.signals import users_updated


class UsernameValidator(UnicodeUsernameValidator):
    """Django's username rule without "@", so a sign-in name is never mistaken for an email."""

    regex = r"^[\w.+-]+\Z"
    message = _(
        "Enter a valid username. This value may contain only letters, numbers, and "
        "./+/-/_ characters."
    )


@functools.cache
def _time_zones() -> tuple[tuple[str, ...], frozenset[str]]:
    # available_timezones() walks the tzdata folders on every call (about 4 ms): once
    # per process is enough, as the zones a process can load do not change under it.
    names = zoneinfo.available_timezones()
    return tuple(sorted(names)), frozenset(names)


def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name this machine knows, sorted."""
    return _time_zones()[0]


def time_zone_known(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows."""
    return name in _time_zones()[1]


def time_zone_validate(value: str) -> None:
    if value and not time_zone_known(value):
        raise ValidationError(_("Choose a time zone from the list."), code="time_zone")


class Theme(models.TextChoices):
    """How the pages look: as the browser prefers (``auto``), light or dark."""

    AUTO = "", _("as the browser prefers")
    LIGHT = "light", _("light")
    DARK = "dark", _("dark")


class UserQuerySet(models.QuerySet["User"]):
    def update(self, **kwargs: Any) -> int:
        # update() sends no post_save: say which users changed, so that their cached
        # copies (token record, session snapshots) go before the caller answers.
        user_ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        if user_ids and set(kwargs) - {"last_login"}:
            users_updated.send(sender=self.model, user_ids=user_ids)
        return count


class AccountUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's UserManager, whose querysets report their updates (``UserQuerySet``)."""


class User(AbstractUser):
    """A site user. Username and email are each unique in any letter case."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_(
            "Required. 150 characters or fewer. Letters, digits and ./+/-/_ only."
        ),
        validators=[UsernameValidator()],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    email = models.EmailField(_("email address"), max_length=254)
    # Every token issued before this moment is refused, and every browser session
    # signed in before it ends (it is part of the session auth hash).
    token_valid_after = models.DateTimeField(
        _("tokens valid after"), null=True, blank=True, editable=False
    )
    # Empty until the user picks one: the browser's language, then, decides.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    theme = models.CharField(
        _("theme"), max_length=5, blank=True, choices=Theme.choices
    )
    # An IANA name ("Asia/Seoul"), from the browser at sign-in or from the profile;
    # empty until known, and times are shown in UTC then.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[time_zone_validate]
    )
    # Whether the owner of ``email`` confirmed it. Signup makes it False until the
    # link or the code comes back; accounts made by staff (the admin, createsuperuser)
    # and those from before verification existed count as verified.
    email_verified = models.BooleanField(_("email verified"), default=True)
    # Whether the user has an authenticator app or a passkey: a copy of what the
    # Authenticator rows say, kept by their writes (second_factor_flags_refresh), so
    # that the AUTHSITE_MFA_REQUIRED check of every page reads the user snapshot
    # cached with the session rather than the database. Written by nothing else.
    has_second_factor = models.BooleanField(
        _("has a second factor"), default=False, editable=False
    )

    objects: ClassVar[UserManager[Self]] = AccountUserManager()
    # Set by set_password() until the next save (Django; the stubs leave it out).
    _password: str | None

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_(
                    "A user with that email address already exists."
                ),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_token_snapshot", False):
            raise RuntimeError(
                "This user was built from the token cache; load it from the database "
                "before saving."
            )
        self._fields_but_second_factor(kwargs)
        # set_password() since the last save (a new password, not the hasher upgrade at
        # sign-in, which clears _password first) or a deactivated account: every earlier
        # token and session is refused from now on.
        if self.pk is not None and (self._password is not None or not self.is_active):
            self.token_valid_after = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "token_valid_after"}
        super().save(*args, **kwargs)

    def _fields_but_second_factor(self, kwargs: dict[str, Any]) -> None:
        # A user read before a factor was added or removed (in this request, by
        # another one, or by staff) must not write its stale copy of the flag back.
        if kwargs.get("update_fields") is not None or kwargs.get("force_insert"):
            return
        if self._state.adding or self.pk is None:
            return
        kwargs["update_fields"] = [
            field.name
            for field in self._meta.concrete_fields
            if not field.primary_key and field.name != "has_second_factor"
        ]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django signs a session with a hash of the password hash; adding the revocation
        # time makes "sign out everywhere" end browser sessions without a store lookup.
        if self.token_valid_after is None:
            # The stubs leave out AbstractBaseUser._get_session_auth_hash.
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}|{self.token_valid_after.isoformat()}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


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
