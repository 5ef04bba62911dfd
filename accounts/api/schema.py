"""OpenAPI descriptions drf-spectacular cannot infer: our authentication subclass, and
the error answers every client sees.

drf-spectacular documents the success answer only. Each operation also gets the errors
the site can give it, all JSON: ``{"detail", "code"}`` (see accounts.api.exceptions),
or for 400 that or a map of field names to messages.
"""

from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.utils import OpenApiResponse
from rest_framework_simplejwt.views import TokenViewBase

from accounts.tokens.cookies import cookie_mode

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Each field name (or non_field_errors) with its messages.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
BAD_REQUEST_SCHEMA: dict[str, Any] = {"anyOf": [ERROR_SCHEMA, FIELD_ERRORS_SCHEMA]}
COOKIE_SIGN_IN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MFA_REQUIRED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The account has a second factor: send mfa_token with a code to "
    "/api/auth/token/mfa/.",
    "properties": {
        "mfa_required": {"type": "boolean", "enum": [True]},
        "mfa_token": {"type": "string"},
        "methods": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["mfa_required", "mfa_token", "methods"],
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds until a new try can succeed.",
    }
}

ERRORS = {
    400: "Malformed JSON, a missing field or a value that is not valid.",
    401: "No valid credentials: a missing, malformed, expired or revoked token.",
    403: (
        "Not allowed: a cookie-authenticated change without the CSRF token, or a "
        "sensitive change by a sign-in that has not confirmed its password lately "
        '(code "reauthentication_required": POST it to /api/me/reauthenticate/).'
    ),
    413: "The request body is over the size limit.",
    415: "The body is not JSON.",
    429: (
        "Too many requests from this address, sign-in locked for a while, or too "
        "many wrong current passwords."
    ),
    503: "The database or Redis is unreachable; try again later.",
}
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema with the error answers each operation can give."""

    def error_statuses(self) -> list[int]:
        """The error statuses this operation can answer, from its view's classes.

        Views say what the classes cannot show in attributes (``csrf_checked``,
        ``answers_token_pair``), so this module needs no import of the views, whose
        definition reads DEFAULT_SCHEMA_CLASS (this module).
        """
        view = self.view
        statuses = [503]
        if self.method in UNSAFE_METHODS:
            statuses += [400, 413, 415]
        authenticates = bool(getattr(view, "authentication_classes", ()))
        # The token views take credentials in the body and answer 401 for bad ones.
        if authenticates or isinstance(view, TokenViewBase):
            statuses.append(401)
        # CSRF, for a change authenticated by the access (or the refresh) cookie.
        if self.method in UNSAFE_METHODS and (
            authenticates or getattr(view, "csrf_checked", False)
        ):
            statuses.append(403)
        # Throttled, or a view that counts wrong current passwords per user.
        if getattr(view, "throttle_classes", ()) or getattr(
            view, "checks_current_password", False
        ):
            statuses.append(429)
        return sorted(statuses)

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if cookie_mode() and getattr(self.view, "answers_token_pair", False):
            # JWT_COOKIE=1: the tokens go in HttpOnly cookies, not in the body.
            responses["200"] = self._get_response_for_code(
                OpenApiResponse(
                    response=COOKIE_SIGN_IN_SCHEMA,
                    description="The tokens are set as HttpOnly cookies.",
                ),
                "200",
                direction=direction,
            )
        if getattr(self.view, "answers_mfa_required", False) and "200" in responses:
            for content in responses["200"].get("content", {}).values():
                content["schema"] = {"oneOf": [content["schema"], MFA_REQUIRED_SCHEMA]}
        for status in self.error_statuses():
            code = str(status)
            if code in responses:
                continue
            body = BAD_REQUEST_SCHEMA if status == 400 else ERROR_SCHEMA
            responses[code] = self._get_response_for_code(
                OpenApiResponse(
                    response=body,
                    description=ERRORS[status],
                ),
                code,
                direction=direction,
            )
            if status == 429:
                responses[code]["headers"] = RETRY_AFTER
        return responses


class JWTScheme(SimpleJWTScheme):
    target_class = "accounts.api.authentication.JWTAuthentication"
    name = "jwtAuth"
