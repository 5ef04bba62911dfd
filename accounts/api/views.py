"""API views of the account (register, profile, re-authentication, password) and of
the API itself (health, docs, JSON 404); the token endpoints are in
accounts.api.token_views. Each validates with a serializer, calls one service, shapes
the answer."""

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

from accounts import selectors, verification
from accounts.api import cookies
from accounts.api import serializers as api_serializers
from accounts.api.permissions import ReauthenticationRequired, RecentlyAuthenticated
from accounts.api.serializers import TooManyAttempts
from accounts.api.throttles import AddressRateThrottle
from accounts.api.token_views import TokenPairResponseMixin
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
from accounts.services import token_pairs, users
from accounts.tokens.cookies import cookie_mode
from accounts.unavailable import SERVICE_ERRORS


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
            serializer.instance = users.user_register(**serializer.validated_data)
        except DjangoValidationError as exc:
            # A concurrent sign-up took the name between validation and insert.
            raise serializers.ValidationError(exc.message_dict) from exc


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
        serializer.instance = users.user_profile_update(
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
        users.user_delete(user=self.get_object())
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
        users.user_password_change(
            user=user, new_password=serializer.validated_data["new_password"]
        )
        pair = token_pairs.token_pair_issue(user=user, password_checked=True)
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
