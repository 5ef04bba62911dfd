"""API views: each validates with a serializer, calls one service, shapes the answer."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_redis import get_redis_connection
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views

from accounts import selectors, services, verification
from accounts.api import cookies
from accounts.api import serializers as api_serializers
from accounts.api.authentication import JWTAuthentication, rejected
from accounts.api.permissions import ReauthenticationRequired, RecentlyAuthenticated
from accounts.api.serializers import TooManyAttempts
from accounts.api.throttles import AddressRateThrottle
from accounts.api.verification import SENT, verification_sent_response
from accounts.reauthentication import (
    reauthenticated_recently,
    reauthentication_password_check,
)
from accounts.security.client_ip import client_bucket
from accounts.security.current_password import (
    CurrentPasswordLocked,
    CurrentPasswordWrong,
)
from accounts.tokens import keys
from accounts.tokens.cookies import cookie_mode
from accounts.tokens.errors import TokenRejected
from accounts.unavailable import SERVICE_ERRORS


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
        pair = services.token_pair_obtain(request=request, user=user)
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
            pair = services.token_pair_refresh(refresh=refresh)
        except TokenRejected as exc:  # RefreshTokenAlreadyUsed among them: 401
            raise rejected(exc) from exc
        return self.finalize_tokens(request, pair.as_dict(), status.HTTP_200_OK)


class TokenVerifyView(jwt_views.TokenVerifyView):
    """Token → 200 when it would be accepted now, else 401 (revoked tokens included)."""

    serializer_class = api_serializers.TokenVerifySerializer


class RegisterView(generics.CreateAPIView):
    """Create an account: username, email, password → 201 with the user; under
    mandatory email verification, 202 with one body whether the address is new or has
    an account (whose owner is mailed instead)."""

    serializer_class = api_serializers.RegisterSerializer
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()
    throttle_classes = (AddressRateThrottle,)
    throttle_scope = "register"

    @extend_schema(responses={201: api_serializers.UserSerializer, 202: SENT})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not verification.verification_mandatory():
            return super().post(request, *args, **kwargs)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if verification.email_address_in_use(email=data["email"]):
            verification.signup_address_taken_notify(
                email=data["email"],
                password=data["password"],
                client=client_bucket(request),
            )
        else:
            self.perform_create(serializer)
        return verification_sent_response()

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        try:
            serializer.instance = services.user_register(**serializer.validated_data)
        except DjangoValidationError as exc:
            # A concurrent sign-up took the name between validation and insert.
            raise serializers.ValidationError(exc.message_dict) from exc


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
            services.refresh_token_revoke(
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
        services.user_sign_out_everywhere(
            user=selectors.user_for_update(user=request.user)
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if cookie_mode():
            cookies.tokens_clear(response=response)
        return response


class MeView(generics.RetrieveUpdateDestroyAPIView):
    """The signed-in user's profile; PATCH changes first_name, last_name, and asks to
    change email (needs a recent re-authentication): a verification goes to the new
    address, which replaces the old one once confirmed (`email_pending` in the answer
    names it). DELETE deletes the account (no body; needs a recent re-authentication):
    every session and token of the user ends at once."""

    serializer_class = api_serializers.UserSerializer
    http_method_names = ["get", "patch", "delete", "options"]

    def get_permissions(self) -> Sequence[Any]:
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated(), RecentlyAuthenticated()]
        return super().get_permissions()

    def get_object(self) -> Any:
        if self.request.method == "GET":
            return self.request.user  # the cached snapshot: no database query
        return selectors.user_for_update(user=self.request.user)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_object()
        serializer = self.get_serializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        new_email = serializer.validated_data.get("email")
        changing = new_email is not None and new_email.lower() != user.email.lower()
        if changing and not reauthenticated_recently(request=request):
            # Before anything is saved: a stolen token alone must not redirect the
            # account's mail (and so its password resets).
            raise ReauthenticationRequired
        # A new address is not saved here: a verification goes to it, and it becomes
        # the user's address when confirmed (below).
        data = serializer.validated_data
        serializer.instance = services.user_profile_update(
            user=user,
            email=user.email,
            first_name=data.get("first_name", user.first_name),
            last_name=data.get("last_name", user.last_name),
        )
        body = dict(serializer.data)
        if changing:
            try:
                verification.email_change_request(user=user, email=new_email)
            except verification.EmailAddressTaken:
                raise serializers.ValidationError(
                    {"email": [_("A user with that email address already exists.")]}
                ) from None
            body["email_pending"] = new_email
        return Response(body)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.user_delete(user=self.get_object())
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if cookie_mode():
            cookies.tokens_clear(response=response)
        return response


class ReauthenticateView(APIView):
    """password → 204: the sign-in of this access token (and every token refreshed
    from it) counts as re-authenticated for AUTHSITE_REAUTH_TIMEOUT seconds. Wrong
    passwords count per user (429 past the limit), never in the sign-in lockout."""

    checks_current_password = True

    @extend_schema(
        request=api_serializers.ReauthenticateSerializer, responses={204: None}
    )
    def post(self, request: Request) -> Response:
        serializer = api_serializers.ReauthenticateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            reauthentication_password_check(
                request=request,
                user=selectors.user_for_update(user=request.user),
                password=serializer.validated_data["password"],
            )
        except CurrentPasswordWrong as exc:
            raise serializers.ValidationError(
                {"password": [_("Your password was entered incorrectly.")]},
                code="password_incorrect",
            ) from exc
        except CurrentPasswordLocked as exc:
            raise TooManyAttempts(wait=exc.wait) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(TokenPairResponseMixin, APIView):
    """old_password, new_password → a new token pair; every earlier token is refused.
    Needs a recent re-authentication (403 ``reauthentication_required``)."""

    permission_classes = (permissions.IsAuthenticated, RecentlyAuthenticated)

    #: For the schema: wrong old passwords are counted per user (429 past the limit).
    checks_current_password = True

    @extend_schema(
        request=api_serializers.PasswordChangeSerializer,
        responses=inline_serializer(
            "TokenPair",
            {"access": serializers.CharField(), "refresh": serializers.CharField()},
        ),
    )
    def post(self, request: Request) -> Response:
        user = selectors.user_for_update(user=request.user)
        serializer = api_serializers.PasswordChangeSerializer(user, data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_change(
            user=user, new_password=serializer.validated_data["new_password"]
        )
        pair = services.token_pair_issue(user=user, password_checked=True)
        return self.finalize_tokens(request, pair.as_dict(), status.HTTP_200_OK)


class HealthView(APIView):
    """200 when the database and Redis answer, 503 naming the one that does not."""

    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        checks = {"database": self._database(), "redis": self._redis()}
        healthy = all(value == "ok" for value in checks.values())
        body = {"status": "ok" if healthy else "unavailable", **checks}
        response = Response(body, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _database() -> str:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except SERVICE_ERRORS:
            return "unavailable"
        return "ok"

    @staticmethod
    def _redis() -> str:
        try:
            for alias in ("default", "sessions"):
                get_redis_connection(alias, write=True).ping()
        except SERVICE_ERRORS:
            return "unavailable"
        return "ok"


class JWKSView(APIView):
    """The public verifying keys (RFC 7517); empty with HS256, whose key is secret."""

    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        response = Response({"keys": keys.jwt_keys().public_jwks})
        response["Cache-Control"] = "public, max-age=300"
        return response


class DocsView(SpectacularSwaggerView):
    """Swagger UI under the site's own Cross-Origin-Opener-Policy (same-origin).

    drf-spectacular relaxes it to unsafe-none for Swagger's OAuth2 sign-in popup; this
    API takes bearer tokens only, so the page keeps the header every other page has.
    """

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        del response["Cross-Origin-Opener-Policy"]
        return response


@csrf_exempt
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """JSON 404 for every unknown path under /api/ (not Django's HTML page).

    CSRF-exempt because it changes nothing: an unknown path must answer 404 whatever
    the method, not Django's HTML CSRF page for a DELETE.
    """
    detail = _("Not found.")
    try:
        match = resolve(f"{request.path}/")
    except Resolver404:
        match = None
    # This view answers every unknown path, with the slash too: only another view
    # means the slash was all that was missing.
    if match is not None and match.func is not api_not_found:
        detail = _("Not found. API paths end with a slash: %(path)s") % {
            "path": f"{request.path}/"
        }
    return JsonResponse({"detail": detail, "code": "not_found"}, status=404)
