"""The token endpoints: obtain, refresh and verify a token pair, log out one sign-in
or all of them, and the public verifying keys. SimpleJWT's views, each naming a
serializer and calling one service; in cookie mode the pair travels in cookies."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views

from accounts import selectors
from accounts.api import cookies
from accounts.api import serializers as api_serializers
from accounts.api.authentication import JWTAuthentication, rejected
from accounts.api.permissions import RecentlyAuthenticated
from accounts.api.throttles import AddressRateThrottle
from accounts.services import token_pairs, users
from accounts.tokens import keys
from accounts.tokens.cookies import cookie_mode
from accounts.tokens.errors import TokenRejected


class TokenPairResponseMixin:
    """In cookie mode, move the tokens of a successful answer into cookies."""

    #: For the schema (accounts.api.schema): in cookie mode the 200 body has no tokens.
    answers_token_pair = True

    def finalize_tokens(
        self, request: Request, data: dict[str, str], status_code: int
    ) -> Response:
        if not cookie_mode() or "access" not in data:
            return Response(data, status=status_code)
        response = Response(
            {"detail": _("Signed in; the tokens are in cookies.")}, status=status_code
        )
        cookies.tokens_set(
            request=request,
            response=response,
            access=data["access"],
            refresh=data["refresh"],
        )
        return response


class TokenView(TokenPairResponseMixin, jwt_views.TokenViewBase):
    throttle_classes = (AddressRateThrottle,)

    def validated(self, request: Request) -> dict[str, Any]:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class TokenObtainPairView(TokenView):
    """Username or email and password → `{"access", "refresh"}`; 401 for either wrong."""

    serializer_class = api_serializers.TokenObtainPairSerializer
    throttle_scope = "token"
    #: For the schema: 403 email_unverified under mandatory email verification.
    refuses_unverified = True

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.validated(request)["user"]
        pair = token_pairs.token_pair_obtain(request=request, user=user)
        return self.finalize_tokens(request, pair.as_dict(), status.HTTP_200_OK)


class TokenRefreshView(TokenView):
    """Refresh token → a new access and a new refresh token; the old one is used up."""

    serializer_class = api_serializers.TokenRefreshSerializer
    throttle_scope = "refresh"
    #: For the schema: the refresh cookie authenticates, so CSRF applies (403).
    csrf_checked = True

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data
        if cookie_mode() and not (isinstance(data, dict) and data.get("refresh")):
            # The refresh cookie authenticates this request: it needs the CSRF token.
            JWTAuthentication().enforce_csrf(request)
        refresh = self.validated(request)["refresh"]
        try:
            pair = token_pairs.token_pair_refresh(refresh=refresh)
        except TokenRejected as exc:  # RefreshTokenAlreadyUsed among them: 401
            raise rejected(exc) from exc
        return self.finalize_tokens(request, pair.as_dict(), status.HTTP_200_OK)


class TokenVerifyView(jwt_views.TokenVerifyView):
    """Token → 200 when it would be accepted now, else 401 (revoked tokens included)."""

    serializer_class = api_serializers.TokenVerifySerializer


class LogoutView(APIView):
    """End the sign-in of the refresh token given (in cookie mode: of the cookies)."""

    permission_classes = (permissions.AllowAny,)

    def perform_authentication(self, request) -> None:
        # The refresh token in the body is the proof: an expired access token sent
        # along must not turn a logout into a 401. Cookie mode reads request.auth.
        pass

    @extend_schema(request=api_serializers.LogoutSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = api_serializers.LogoutSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["jti"]:
            token_pairs.refresh_token_revoke(
                jti=serializer.validated_data["jti"],
                family=serializer.validated_data["family"],
            )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if cookie_mode():
            cookies.tokens_clear(response=response)
        return response


class LogoutAllView(APIView):
    """End every sign-in of the caller: all tokens and all browser sessions. Needs a
    recent re-authentication (403 ``reauthentication_required``)."""

    permission_classes = (permissions.IsAuthenticated, RecentlyAuthenticated)

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        request.data  # noqa: B018  (a body, if sent, must parse: malformed JSON is 400)
        # Browser sessions leave the store now, not only at their next request.
        users.user_sign_out_everywhere(
            user=selectors.user_for_update(user=request.user)
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if cookie_mode():
            cookies.tokens_clear(response=response)
        return response


class JWKSView(APIView):
    """The public verifying keys (RFC 7517); empty with HS256, whose key is secret."""

    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        response = Response({"keys": keys.jwt_keys().public_jwks})
        response["Cache-Control"] = "public, max-age=300"
        return response
