"""Validation and shaping of API input and output; writes go through accounts.services."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_redis import get_redis_connection
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts import services
from accounts.api import cookies, tokens, users
from accounts.models import UsernameValidator
from accounts.security import lockout
from accounts.sessions import tokens as token_sessions

User = get_user_model()
VERIFIABLE_TOKEN_TYPES = ("access", "refresh")


def _password_field() -> serializers.CharField:
    return serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        max_length=settings.AUTHSITE_PASSWORD_MAX_LENGTH,
        style={"input_type": "password"},
    )


class StrictStringsMixin:
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


def token_pair(
    *, user: Any, request: Any = None, replaces: str | None = None
) -> dict[str, str]:
    """Issue a new refresh token (recorded as outstanding) and its access token.

    When tokens are sessions (``jwt``), record the sign-in: a new one, or the sign-in of
    the refresh token ``replaces`` moved to the new token.
    """
    refresh = tokens.RefreshToken.for_user(user)
    token_sessions.token_sign_in_record(
        user_id=user.pk, refresh=refresh, request=request, replaces=replaces
    )
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class UserSerializer(StrictStringsMixin, serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "email", "first_name", "last_name", "date_joined")
        read_only_fields = ("id", "username", "date_joined")

    def validate_email(self, value: str) -> str:
        email = User.objects.normalize_email(value)
        others = User.objects.filter(email__iexact=email)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(
                _("A user with that email address already exists."), code="unique"
            )
        return email

    def update(self, instance, validated_data):
        fields = {
            name: validated_data.get(name, getattr(instance, name))
            for name in ("first_name", "last_name", "email")
        }
        return services.user_profile_update(user=instance, **fields)


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

    def validate_email(self, value: str) -> str:
        return UserSerializer.validate_email(self, value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Any:
        try:
            return services.user_register(**validated_data)
        except DjangoValidationError as exc:
            # A concurrent sign-up took the name between validation and insert.
            raise serializers.ValidationError(exc.message_dict) from exc

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return UserSerializer(instance).data


class PasswordChangeSerializer(StrictStringsMixin, serializers.Serializer):
    old_password = _password_field()
    new_password = _password_field()

    def validate_old_password(self, value: str) -> str:
        if not self.instance.check_password(value):
            raise serializers.ValidationError(
                _("Your old password was entered incorrectly."),
                code="password_incorrect",
            )
        return value

    def validate_new_password(self, value: str) -> str:
        try:
            password_validation.validate_password(value, self.instance)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return value

    def update(self, instance, validated_data):
        return services.user_password_change(
            user=instance, new_password=validated_data["new_password"]
        )


class TokenObtainPairSerializer(
    StrictStringsMixin, jwt_serializers.TokenObtainPairSerializer
):
    """Username or email and password to a token pair; 429 while the pair is locked."""

    token_class = tokens.RefreshToken

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = serializers.CharField(
            write_only=True, max_length=254
        )
        self.fields["password"] = _password_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        request = self.context["request"]
        try:
            data = super().validate(attrs)
        except AuthenticationFailed:
            if lockout.is_locked_out(request):
                wait = lockout.seconds_left(request, {"username": attrs["username"]})
                raise lockout.LockedOut(wait=wait) from None
            raise
        # As a form sign-in does (through user_logged_in): success clears the count.
        lockout.failures_reset(request=request, user=self.user)
        refresh = tokens.RefreshToken(data["refresh"], verify=False)
        token_sessions.token_sign_in_record(
            user_id=self.user.pk, refresh=refresh, request=request
        )
        return data


def _raw_refresh(serializer: serializers.Serializer, attrs: dict[str, Any]) -> str:
    raw = attrs.get("refresh")
    request = serializer.context.get("request")
    if not raw and cookies.cookie_mode() and request is not None:
        raw = request.COOKIES.get(cookies.refresh_cookie_name())
    if not raw:
        raise serializers.ValidationError(
            {"refresh": [_("This field is required.")]}, code="required"
        )
    return raw


def refresh_claim(*, refresh: tokens.RefreshToken) -> bool:
    """Mark a refresh token as used, once: True for the one caller that got it.

    SET NX is atomic, so of many concurrent refreshes of one token exactly one wins.
    """
    ttl = max(1, int(refresh["exp"] - refresh.current_time.timestamp()) + 1)
    key = caches[users.CACHE_ALIAS].make_key(f"jwt:used:{refresh['jti']}")
    return bool(get_redis_connection("default").set(key, b"1", nx=True, ex=ttl))


class TokenRefreshSerializer(StrictStringsMixin, serializers.Serializer):
    """Rotate: the refresh token is used up, a new pair is issued; reuse gives 401."""

    refresh = serializers.CharField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = tokens.RefreshToken(_raw_refresh(self, attrs))
        user = users.token_user(payload=refresh.payload)
        if not refresh_claim(refresh=refresh):
            raise InvalidToken(_("Token has already been used"))
        refresh.blacklist()
        return token_pair(user=user, replaces=refresh["jti"])


class TokenVerifySerializer(StrictStringsMixin, serializers.Serializer):
    """200 for a token we would accept now; 401 for any other, revoked ones included."""

    token = serializers.CharField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token = tokens.UntypedToken(attrs["token"])
        # UntypedToken checks no type: only the two kinds the site issues pass, so
        # that verify never vouches for a token no endpoint would accept.
        if token.get("token_type") not in VERIFIABLE_TOKEN_TYPES:
            raise InvalidToken(_("Token has wrong type"))
        if BlacklistedToken.objects.filter(token__jti=token["jti"]).exists():
            raise InvalidToken(_("Token is blacklisted"))
        users.token_user(payload=token.payload)
        return {}


class LogoutSerializer(StrictStringsMixin, serializers.Serializer):
    """The refresh token to end; in cookie mode, the sign-in of the access cookie."""

    refresh = serializers.CharField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        if not attrs.get("refresh") and cookies.cookie_mode() and request.auth:
            # The refresh cookie is sent to the refresh endpoint only; the access
            # cookie names its sign-in in "sid".
            return {"jti": request.auth.get("sid")}
        try:
            refresh = tokens.RefreshToken(_raw_refresh(self, attrs))
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return {"jti": refresh["jti"]}

    def save(self, **kwargs) -> None:
        if self.validated_data["jti"]:
            services.refresh_token_revoke(jti=self.validated_data["jti"])
