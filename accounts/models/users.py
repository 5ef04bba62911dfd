"""The site's user: its table, manager and username rule, the look it chose (theme),
and the IANA time zones a user may choose."""

import functools
import zoneinfo
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

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


# mypy cannot take a class made at run time (from_queryset) as a base; django-stubs
# types the resulting manager through its plugin.
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
