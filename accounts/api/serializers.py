"""Validation and shaping of API input and output: no serializer here saves anything.

The views write through accounts.services (sign-up, profile, password) and issue,
rotate and revoke tokens through them; ``save()`` is never called on these
serializers. Checking a current password counts a wrong one, as the page form does.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import serializers as jwt_serializers

from accounts import selectors, services, verification
from accounts.api.authentication import rejected
from accounts.models import UsernameValidator
from accounts.security import lockout
from accounts.security.current_password import (
    CurrentPasswordLocked,
    CurrentPasswordWrong,
)
from accounts.tokens import claims, families, revocation
from accounts.tokens.cookies import cookie_mode, refresh_cookie_name
from accounts.tokens.errors import TokenInvalid, TokenRejected

User = get_user_model()


def _password_field() -> serializers.CharField:
    return serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        max_length=settings.AUTHSITE_PASSWORD_MAX_LENGTH,
        style={"input_type": "password"},
    )


class StrictStringsMixin(serializers.Serializer):
    """Refuse a number or boolean where a string belongs, with 400.

    DRF's CharField turns ``5`` into ``"5"``; a client that sends the wrong type has a
    bug it should hear about, and the schema promises a string.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors = {
                name: [_("Not a valid string.")]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and isinstance(data.get(name), int | float | bool)
            }
        else:
            errors = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from exc
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


def _email_unused(value: str, *, user: Any) -> str:
    """The normalised address, unless another user than ``user`` has it already."""
    email = User.objects.normalize_email(value)
    others = User.objects.filter(email__iexact=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise serializers.ValidationError(
            _("A user with that email address already exists."), code="unique"
        )
    return email


class UserSerializer(StrictStringsMixin, serializers.ModelSerializer):
    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "email_verified",
            "first_name",
            "last_name",
            "date_joined",
        )
        read_only_fields = ("id", "username", "email_verified", "date_joined")

    def validate_email(self, value: str) -> str:
        return _email_unused(value, user=self.instance)


class RegisterSerializer(StrictStringsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[UsernameValidator()])
    email = serializers.EmailField(max_length=254)
    password = _password_field()

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(
                _("A user with that username already exists."), code="unique"
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    def validate_email(self, value: str) -> str:
        if verification.verification_mandatory():
            # The answer must not say whether the address has an account (the view
            # mails its owner instead).
            return User.objects.normalize_email(value)
        return _email_unused(value, user=None)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return UserSerializer(instance).data


class EmailUnverified(exceptions.PermissionDenied):
    """403: the password is right, but the account's address is not confirmed yet."""

    default_code = "email_unverified"
    default_detail = _(
        "Confirm your email address first: open the link we sent you, or send the "
        "code to /api/auth/email/verify/."
    )


class EmailVerifySerializer(StrictStringsMixin, serializers.Serializer):
    """The link's ``key``, or the ``email`` and the 6-digit ``code`` of the message."""

    key = serializers.CharField(required=False, max_length=100)
    email = serializers.EmailField(required=False, max_length=254)
    code = serializers.RegexField(r"^\s*\d{6}\s*$", required=False, max_length=20)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("key"):
            return {"key": attrs["key"]}
        if attrs.get("email") and attrs.get("code"):
            return {"email": attrs["email"], "code": attrs["code"]}
        raise serializers.ValidationError(
            _("Send the key of the link, or the email address and the code."),
            code="required",
        )


class EmailVerifyResendSerializer(StrictStringsMixin, serializers.Serializer):
    """The address waiting to be confirmed (a signed-in caller may leave it out)."""

    email = serializers.EmailField(required=False, max_length=254)


class TooManyAttempts(exceptions.Throttled):
    """429: too many wrong current passwords for this user; Retry-After says when."""

    default_code = "too_many_attempts"
    default_detail = _("Too many wrong passwords. Try again later.")


class ReauthenticateSerializer(StrictStringsMixin, serializers.Serializer):
    password = _password_field()


class PasswordChangeSerializer(StrictStringsMixin, serializers.Serializer):
    old_password = _password_field()
    new_password = _password_field()

    def validate_old_password(self, value: str) -> str:
        wrong = serializers.ValidationError(
            _("Your old password was entered incorrectly."),
            code="password_incorrect",
        )
        if self.instance is None:
            raise wrong
        try:
            services.current_password_check(user=self.instance, password=value)
        except CurrentPasswordWrong as exc:
            raise wrong from exc
        except CurrentPasswordLocked as exc:
            raise TooManyAttempts(wait=exc.wait) from exc
        return value

    def validate_new_password(self, value: str) -> str:
        try:
            password_validation.validate_password(value, self.instance)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return value


class TokenObtainPairSerializer(
    StrictStringsMixin, jwt_serializers.TokenObtainSerializer
):
    """Username or email and password to a token pair; 429 while the pair is locked."""

    # Validated data (the docstring is the schema's): the user to issue the pair for.

    token_class = claims.RefreshToken
    # SimpleJWT's words, in the site's catalogue: its own has Korean only as "ko_KR",
    # which a request for "ko" never reaches.
    default_error_messages = {
        "no_active_account": _("No active account found with the given credentials")
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = serializers.CharField(
            write_only=True, max_length=254
        )
        self.fields["password"] = _password_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        try:
            super().validate(attrs)
        except AuthenticationFailed:
            if lockout.is_locked_out(request):
                wait = lockout.seconds_left(request, {"username": attrs["username"]})
                raise lockout.LockedOut(wait=wait) from None
            raise
        if self.user is not None and not verification.sign_in_allowed(user=self.user):
            raise EmailUnverified
        return {"user": self.user}


def _raw_refresh(serializer: serializers.Serializer, attrs: dict[str, Any]) -> str:
    raw = attrs.get("refresh")
    request = serializer.context.get("request")
    if not raw and cookie_mode() and request is not None:
        raw = request.COOKIES.get(refresh_cookie_name())
    if not raw:
        raise serializers.ValidationError(
            {"refresh": [_("This field is required.")]}, code="required"
        )
    return raw


class TokenRefreshSerializer(StrictStringsMixin, serializers.Serializer):
    """Rotate: the refresh token is used up, a new pair is issued; reuse gives 401."""

    # Validated data (the docstring is the schema's): the refresh token, from the body
    # or, in cookie mode, the cookie. The view rotates it through the services.

    refresh = serializers.CharField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        return {"refresh": _raw_refresh(self, attrs)}


class TokenVerifySerializer(StrictStringsMixin, serializers.Serializer):
    """200 for a token we would accept now; 401 for any other, revoked ones included."""

    token = serializers.CharField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            token = claims.issued_token_read(attrs["token"])
            if revocation.refresh_token_blacklisted(jti=token["jti"]):
                raise TokenInvalid(_("Token is blacklisted"))
            selectors.token_user(payload=token.payload)
        except TokenRejected as exc:
            raise rejected(exc) from exc
        return {}


class LogoutSerializer(StrictStringsMixin, serializers.Serializer):
    """The refresh token to end; in cookie mode, the sign-in of the access cookie."""

    # Validated data (the docstring is the schema's): the jti of the refresh token
    # and the family of the sign-in to end.

    refresh = serializers.CharField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        if not attrs.get("refresh") and cookie_mode() and request.auth:
            # The refresh cookie is sent to the refresh endpoint only; the access
            # cookie names its sign-in in "sid".
            return {
                "jti": request.auth.get("sid"),
                "family": families.family_of(request.auth.payload),
            }
        try:
            refresh = claims.refresh_token_read(_raw_refresh(self, attrs))
        except TokenRejected as exc:
            raise rejected(exc) from exc
        return {"jti": refresh["jti"], "family": families.family_of(refresh.payload)}
