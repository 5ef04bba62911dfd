"""`/api/me/mfa/passkeys/`: the caller's passkeys; add (begin, then the credential),
rename and remove. Changes need a recent sign-in or re-authentication (403
``reauthentication_required``), as on the pages. And the passkey as the second step
of a token sign-in: `/api/auth/token/mfa/passkey/` answers the options for an
``mfa_token``, whose assertion `/api/auth/token/mfa/` takes.

A client's challenge is bound to its user, or in the second step to its
``mfa_token`` (an API client has no browser session), kept 5 minutes and taken by the
first answer that presents it.
"""

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotAuthenticated
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import RecentlyAuthenticated
from accounts.api.serializers import StrictStringsMixin
from accounts.api.throttles import AddressRateThrottle
from accounts.mfa import passkey_challenges, passkeys, sign_in
from accounts.mfa import services as mfa_services
from accounts.models import Authenticator, User
from accounts.tokens.issue import TokenPair

REAUTHENTICATE = OpenApiResponse(
    description=(
        "reauthentication_required: the sign-in is not recent enough for this change; "
        "or a cookie-authenticated change without the CSRF token."
    )
)
CEREMONY_ERRORS = (
    "challenge_invalid (no live challenge: never asked, over 5 minutes old, or "
    "already used), credential_invalid (malformed or not verified), "
    "credential_registered (already registered), or field errors."
)


class PasskeySerializer(serializers.ModelSerializer):
    class Meta:
        model = Authenticator
        fields = ("id", "name", "created_at", "last_used_at")
        read_only_fields = fields


class PasskeyAddSerializer(StrictStringsMixin, serializers.Serializer):
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=passkeys.NAME_MAX_LENGTH,
        help_text="Shown in the list; 'Passkey N' when empty.",
    )
    credential = serializers.DictField(
        help_text=(
            "The new credential in the JSON form of WebAuthn Level 3 "
            "(PublicKeyCredential.toJSON() of navigator.credentials.create())."
        )
    )


class PasskeyRenameSerializer(StrictStringsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=passkeys.NAME_MAX_LENGTH)


def _user(request: Request) -> User:
    user = request.user
    # Behind IsAuthenticated: never anonymous here.
    if not isinstance(user, User):
        raise NotAuthenticated
    return user


def _ceremony_refused(error: passkeys.PasskeyError) -> Response:
    details: dict[type[passkeys.PasskeyError], str] = {
        passkeys.ChallengeMissing: _(
            "This passkey request has expired or was already used. Try again."
        ),
        passkeys.CredentialRegistered: _("This passkey is already registered."),
    }
    detail = details.get(
        type(error), _("The passkey could not be verified. Try again.")
    )
    return Response(
        {"detail": detail, "code": error.code}, status=status.HTTP_400_BAD_REQUEST
    )


class ChangesNeedRecentSignIn(APIView):
    """Reading is open to the signed-in user; changing needs RecentlyAuthenticated."""

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsAuthenticated()]
        return [IsAuthenticated(), RecentlyAuthenticated()]


class MyPasskeysView(ChangesNeedRecentSignIn):
    """The caller's passkeys by name; POST adds one from the browser's new credential
    (after `POST /api/me/mfa/passkeys/begin/`)."""

    @extend_schema(responses=PasskeySerializer(many=True))
    def get(self, request: Request) -> Response:
        found = passkeys.passkeys_of(user=_user(request))
        return Response(PasskeySerializer(found, many=True).data)

    @extend_schema(
        request=PasskeyAddSerializer,
        responses={
            201: PasskeySerializer,
            400: OpenApiResponse(description=CEREMONY_ERRORS),
            403: REAUTHENTICATE,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PasskeyAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _user(request)
        try:
            passkey = mfa_services.mfa_passkey_add(
                user=user,
                binding=passkey_challenges.user_binding(user),
                credential=serializer.validated_data["credential"],
                name=serializer.validated_data.get("name", ""),
            )
        except passkeys.PasskeyError as error:
            return _ceremony_refused(error)
        return Response(PasskeySerializer(passkey).data, status=status.HTTP_201_CREATED)


class PasskeyRegistrationBeginView(ChangesNeedRecentSignIn):
    """The creation options for navigator.credentials.create(), in the JSON form of
    WebAuthn Level 3 (PublicKeyCredential.parseCreationOptionsFromJSON())."""

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(
                response={"type": "object", "additionalProperties": True},
                description="PublicKeyCredentialCreationOptionsJSON.",
            ),
            403: REAUTHENTICATE,
        },
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        options: dict[str, Any] = passkeys.registration_begin(
            user=user, binding=passkey_challenges.user_binding(user)
        )
        return Response(options)


class MyPasskeyView(ChangesNeedRecentSignIn):
    """Rename (PATCH) or remove (DELETE) one of the caller's passkeys."""

    http_method_names = ["patch", "delete", "options"]

    @extend_schema(
        request=PasskeyRenameSerializer,
        responses={
            200: PasskeySerializer,
            403: REAUTHENTICATE,
            404: OpenApiResponse(description="You have no passkey with this id."),
        },
    )
    def patch(self, request: Request, passkey_id: int) -> Response:
        serializer = PasskeyRenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        passkey = passkeys.passkey_rename(
            user=_user(request),
            passkey_id=passkey_id,
            name=serializer.validated_data["name"],
        )
        if passkey is None:
            return _not_found()
        return Response(PasskeySerializer(passkey).data)

    @extend_schema(
        request=None,
        responses={
            204: None,
            403: REAUTHENTICATE,
            404: OpenApiResponse(description="You have no passkey with this id."),
        },
    )
    def delete(self, request: Request, passkey_id: int) -> Response:
        user = _user(request)
        removed = mfa_services.mfa_passkey_remove(user=user, passkey_id=passkey_id)
        if removed is None:
            return _not_found()
        return Response(status=status.HTTP_204_NO_CONTENT)


def _not_found() -> Response:
    return Response(
        {"detail": _("You have no passkey with this id."), "code": "not_found"},
        status=status.HTTP_404_NOT_FOUND,
    )


# --- The second step of a token sign-in ----------------------------------------------


class PasskeyNotAccepted(APIException):
    """401: the assertion does not complete the second step (``code`` says why)."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "credential_invalid"
    default_detail = _("The passkey could not be verified. Try again.")

    def __init__(self, error: passkeys.PasskeyError) -> None:
        details: dict[type[passkeys.PasskeyError], str] = {
            passkeys.ChallengeMissing: _(
                "No passkey request for this mfa_token is under way, or it was used: "
                "ask for new options."
            ),
            passkeys.CredentialUnknown: _("This passkey is not one of the account's."),
        }
        super().__init__(
            detail=details.get(type(error), self.default_detail), code=error.code
        )


class MfaTokenInvalid(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "mfa_token_invalid"
    default_detail = _("The mfa_token is not valid: sign in again.")


def _token_binding(token: str) -> str:
    # The mfa_token itself stays out of Redis keys: a digest names it.
    return f"mfa-token:{hashlib.sha256(token.encode()).hexdigest()}"


def token_pair_by_passkey(
    *, request: HttpRequest, token: str, credential: dict[str, Any]
) -> TokenPair:
    """Redeem ``token`` with a passkey assertion of its user for a token pair.

    Raises sign_in.SecondStepEnded or passkeys.PasskeyError.
    """
    user = sign_in.mfa_token_user(token=token)
    passkey = passkeys.authentication_complete(
        binding=_token_binding(token), credential=credential, user=user
    )
    return sign_in.mfa_token_complete(
        request=request,
        token=token,
        user=user,
        amr=passkeys.second_factor_amr(passkey),
    )


class MfaTokenSerializer(StrictStringsMixin, serializers.Serializer):
    mfa_token = serializers.CharField(max_length=100)


class TokenMfaPasskeyView(APIView):
    """The request options for navigator.credentials.get() that complete the second
    step of `mfa_token` (its account's passkeys), in the JSON form of WebAuthn Level 3
    (PublicKeyCredential.parseRequestOptionsFromJSON()). Send the assertion's
    toJSON() as `credential`, with the `mfa_token`, to `/api/auth/token/mfa/`."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AddressRateThrottle,)
    throttle_scope = "token"

    @extend_schema(
        request=MfaTokenSerializer,
        responses={
            200: OpenApiResponse(
                response={"type": "object", "additionalProperties": True},
                description="PublicKeyCredentialRequestOptionsJSON.",
            ),
            401: OpenApiResponse(
                description="mfa_token_invalid: unknown, used or over 5 minutes old."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = MfaTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = serializer.validated_data["mfa_token"]
        try:
            user = sign_in.mfa_token_user(token=token)
        except sign_in.SecondStepEnded:
            raise MfaTokenInvalid() from None
        options: dict[str, Any] = passkeys.authentication_begin(
            binding=_token_binding(token), user=user
        )
        return Response(options)
