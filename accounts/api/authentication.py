"""Bearer (and, with JWT_COOKIE=1, cookie) authentication with revocation, no DB query."""

from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import exceptions
from rest_framework_simplejwt import authentication

from accounts.api import cookies, users


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's header authentication, plus the access cookie and revocation.

    The user comes from the Redis snapshot (see accounts.api.users), so a warm request
    costs one Redis read and no database query. A request authenticated by cookie must
    pass Django's CSRF check for unsafe methods, as a session-authenticated one would.
    """

    def authenticate(self, request):
        header = self.get_header(request)
        raw_token = self.get_raw_token(header) if header is not None else None
        from_cookie = False
        if raw_token is None and cookies.cookie_mode():
            raw_token = request.COOKIES.get(cookies.access_cookie_name())
            from_cookie = raw_token is not None
        if raw_token is None:
            return None
        validated_token = self.get_validated_token(raw_token)
        user = self.get_user(validated_token)
        if from_cookie:
            self.enforce_csrf(request)
        return user, validated_token

    def get_user(self, validated_token):
        return users.token_user(payload=validated_token.payload)

    def enforce_csrf(self, request) -> None:
        check = _CSRFCheck(lambda req: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
