"""Bearer (and, with JWT_COOKIE=1, cookie) authentication with revocation, no DB query."""

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.tokens import Token

from accounts import selectors
from accounts.tokens.cookies import access_cookie_name, cookie_mode
from accounts.tokens.errors import TokenRejected


def _no_view(request: HttpRequest) -> HttpResponseBase:
    # The CSRF check runs outside the middleware chain: there is no view to call.
    return HttpResponseBase()


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> Any:
        # The reason, not Django's 403 page: DRF answers it as JSON.
        return reason


def rejected(exc: TokenRejected) -> AuthenticationFailed:
    """The 401 answer for a token the token domain refused: its message and code."""
    return AuthenticationFailed(str(exc.message), code=exc.code)


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's header authentication, plus the access cookie and revocation.

    The user comes from the token record in Redis (accounts.tokens.records), so a warm
    request costs one Redis read and no database query. A request authenticated by
    cookie must pass Django's CSRF check for unsafe methods, as a session-authenticated
    one would.
    """

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        header = self.get_header(request)
        raw_token = self.get_raw_token(header) if header is not None else None
        from_cookie = False
        if raw_token is None and cookie_mode():
            cookie = request.COOKIES.get(access_cookie_name())
            # Bytes, as the header's token is: the token classes take either.
            raw_token = cookie.encode() if cookie is not None else None
            from_cookie = raw_token is not None
        if raw_token is None:
            return None
        validated_token = self.get_validated_token(raw_token)
        user = self.get_user(validated_token)
        if from_cookie:
            self.enforce_csrf(request)
        return user, validated_token

    def get_user(self, validated_token: Token) -> Any:
        try:
            return selectors.token_user(payload=validated_token.payload)
        except TokenRejected as exc:
            raise rejected(exc) from exc

    def enforce_csrf(self, request: Request | HttpRequest) -> None:
        check = _CSRFCheck(_no_view)
        check.process_request(request)
        reason = check.process_view(request, _no_view, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
