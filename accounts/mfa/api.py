"""API of the second factors: the second step of a token sign-in, and the caller's
own factors under /api/me/mfa/."""

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as core_selectors
from accounts.api.permissions import RecentlyAuthenticated
from accounts.api.serializers import StrictStringsMixin
from accounts.api.token_views import TokenObtainPairView, TokenView
from accounts.mfa import passkey_api, passkeys, selectors, services, sign_in
from accounts.models import User
from accounts.security import lockout
from accounts.services import token_pairs


class CodeWrong(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "mfa_code_invalid"
    default_detail = _("The code is not right.")


class MfaTokenInvalid(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "mfa_token_invalid"
    default_detail = _("The mfa_token is not valid: sign in again.")


class EnrolmentCodeWrong(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "mfa_code_invalid"
    default_detail = _("The code is not right.")


class EnrolmentMissing(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "mfa_enrolment_missing"
    default_detail = _("No set-up under way: begin with POST /api/me/mfa/totp/.")


class NoSecondFactor(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "mfa_not_enabled"
    default_detail = _("Turn on a second factor first.")


class TokenMfaSerializer(StrictStringsMixin, serializers.Serializer):
    mfa_token = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=32, required=False)
    credential = serializers.DictField(
        required=False,
        help_text=(
            "Instead of a code: a passkey assertion (PublicKeyCredential.toJSON()) "
            "for the options of /api/auth/token/mfa/passkey/."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("code" in attrs) == ("credential" in attrs):
            raise serializers.ValidationError(
                _("Send either a code or a passkey credential."), code="invalid"
            )
        return attrs


class CodeSerializer(StrictStringsMixin, serializers.Serializer):
    code = serializers.CharField(max_length=32)


MFA_REQUIRED = inline_serializer(
    "MfaRequired",
    {
        "mfa_required": serializers.BooleanField(),
        "mfa_token": serializers.CharField(),
        "methods": serializers.ListField(child=serializers.CharField()),
    },
)
RECOVERY_CODES = inline_serializer(
    "RecoveryCodes",
    {"recovery_codes": serializers.ListField(child=serializers.CharField())},
)


class TokenObtainView(TokenObtainPairView):
    """Username or email and password → `{"access", "refresh"}`; 401 for either wrong.

    For an account with a second factor the answer is `{"mfa_required": true,
    "mfa_token", "methods"}` instead, and no tokens: send the `mfa_token` with a code
    to `/api/auth/token/mfa/` for the pair."""

    #: For the schema: the 200 answer may ask for the second factor instead.
    answers_mfa_required = True

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.validated(request)["user"]
        if not selectors.mfa_enabled(user=user):
            pair = token_pairs.token_pair_obtain(request=request, user=user)
            return self.finalize_tokens(request, pair.as_dict(), status.HTTP_200_OK)
        body = {
            "mfa_required": True,
            "mfa_token": sign_in.mfa_token_issue(user=user),
            "methods": selectors.mfa_methods(user=user),
        }
        return Response(body, status=status.HTTP_200_OK)


class TokenMfaView(TokenView):
    """The second step of a token sign-in: `mfa_token` and `code` (from the app, or
    a recovery code), or `mfa_token` and a passkey `credential` (for the options of
    `/api/auth/token/mfa/passkey/`) → the token pair. The token is single-use and
    lives 5 minutes; 5 wrong codes end it and count towards the sign-in lockout."""

    serializer_class = TokenMfaSerializer
    throttle_scope = "token"

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(request)
        try:
            user = sign_in.mfa_token_user(token=data["mfa_token"])
        except sign_in.SecondStepEnded:
            raise MfaTokenInvalid() from None
        credentials = {"username": user.get_username()}
        if lockout.is_locked(request=request._request, credentials=credentials):
            wait = lockout.seconds_left(request._request, credentials)
            raise lockout.LockedOut(wait=wait)
        try:
            if "credential" in data:
                pair = passkey_api.token_pair_by_passkey(
                    request=request._request,
                    token=data["mfa_token"],
                    credential=data["credential"],
                )
            else:
                pair = sign_in.mfa_token_code(
                    request=request._request, token=data["mfa_token"], code=data["code"]
                )
        except services.CodeInvalid:
            raise CodeWrong() from None
        except sign_in.SecondStepEnded:
            raise MfaTokenInvalid() from None
        except passkeys.PasskeyError as error:
            raise passkey_api.PasskeyNotAccepted(error) from None
        return self.finalize_tokens(request, pair.as_dict(), status.HTTP_200_OK)


def _me(request: Request) -> User:
    return core_selectors.user_for_update(user=request.user)


class MeMfaView(APIView):
    """The caller's second factors."""

    @extend_schema(
        responses=inline_serializer(
            "MfaOverview",
            {
                "totp": serializers.BooleanField(),
                "recovery_codes_left": serializers.IntegerField(),
                "passkeys": serializers.IntegerField(),
                "methods": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user = _me(request)
        overview = selectors.mfa_overview(user=user)
        return Response(
            {
                "totp": overview.totp_enabled,
                "recovery_codes_left": overview.recovery_codes_left,
                "passkeys": len(overview.passkeys),
                "methods": selectors.mfa_methods(user=user),
            }
        )


class MeTotpView(APIView):
    """POST: begin turning the app on (a new secret and its `otpauth://` URI; confirm
    with a code). DELETE: turn the app off. Both need a recent sign-in."""

    permission_classes = (*APIView.permission_classes, RecentlyAuthenticated)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "TotpEnrolment",
            {"secret": serializers.CharField(), "uri": serializers.CharField()},
        ),
    )
    def post(self, request: Request) -> Response:
        request.data  # noqa: B018  (a body, if sent, must parse: malformed JSON is 400)
        enrolment = services.mfa_totp_begin(user=_me(request))
        return Response({"secret": enrolment.secret, "uri": enrolment.uri})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.mfa_totp_disable(user=_me(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeTotpConfirmView(APIView):
    """A current code from the app turns it on; the answer holds the new recovery
    codes when there were none (shown once)."""

    permission_classes = (*APIView.permission_classes, RecentlyAuthenticated)

    @extend_schema(request=CodeSerializer, responses=RECOVERY_CODES)
    def post(self, request: Request) -> Response:
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            codes = services.mfa_totp_confirm(
                user=_me(request), code=serializer.validated_data["code"]
            )
        except services.EnrolmentMissing:
            raise EnrolmentMissing() from None
        except services.CodeInvalid:
            raise EnrolmentCodeWrong() from None
        return Response({"recovery_codes": codes or []})


class MeRecoveryCodesView(APIView):
    """Ten new recovery codes (the old ones stop working), shown once."""

    permission_classes = (*APIView.permission_classes, RecentlyAuthenticated)

    @extend_schema(request=None, responses=RECOVERY_CODES)
    def post(self, request: Request) -> Response:
        request.data  # noqa: B018  (a body, if sent, must parse: malformed JSON is 400)
        user = _me(request)
        if not selectors.mfa_enabled(user=user):
            raise NoSecondFactor()
        return Response(
            {"recovery_codes": services.mfa_recovery_codes_generate(user=user)}
        )


#: Included under /api/ before accounts.api.urls (authsite.urls).
urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/token/mfa/", TokenMfaView.as_view(), name="api-token-mfa"),
    path(
        "auth/token/mfa/passkey/",
        passkey_api.TokenMfaPasskeyView.as_view(),
        name="api-token-mfa-passkey",
    ),
    path("me/mfa/passkeys/", passkey_api.MyPasskeysView.as_view(), name="api-passkeys"),
    path(
        "me/mfa/passkeys/begin/",
        passkey_api.PasskeyRegistrationBeginView.as_view(),
        name="api-passkeys-begin",
    ),
    path(
        "me/mfa/passkeys/<int:passkey_id>/",
        passkey_api.MyPasskeyView.as_view(),
        name="api-passkey",
    ),
    path("me/mfa/", MeMfaView.as_view(), name="api-mfa"),
    path("me/mfa/totp/", MeTotpView.as_view(), name="api-mfa-totp"),
    path(
        "me/mfa/totp/confirm/",
        MeTotpConfirmView.as_view(),
        name="api-mfa-totp-confirm",
    ),
    path(
        "me/mfa/recovery-codes/",
        MeRecoveryCodesView.as_view(),
        name="api-mfa-recovery-codes",
    ),
]
