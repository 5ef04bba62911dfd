"""The REST API and its JSON Web Tokens."""

import os

from authsite.env import env_bool, env_int, env_list
from authsite.settings.security import AUTHSITE_TRUSTED_PROXY_COUNT

# --- REST API and JSON Web Tokens --------------------------------------------------

JWT_ALGORITHM = os.environ.get("JWT_ALGORITHM", "HS256").strip().upper()
# With DEBUG on, HS256 and none given, start-up (accounts.start_up) fills it in from
# VAR_DIR/jwt_signing_key, made once per checkout.
JWT_SIGNING_KEY = os.environ.get("JWT_SIGNING_KEY", "")
JWT_SIGNING_KEY_FILE = os.environ.get("JWT_SIGNING_KEY_FILE", "")
JWT_VERIFYING_KEY_FILES = env_list("JWT_VERIFYING_KEY_FILES")
JWT_ISSUER = os.environ.get("JWT_ISSUER", "authsite")
JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE", "authsite-api")
JWT_ACCESS_TOKEN_LIFETIME = env_int("JWT_ACCESS_TOKEN_LIFETIME", 5 * 60)
JWT_REFRESH_TOKEN_LIFETIME = env_int("JWT_REFRESH_TOKEN_LIFETIME", 14 * 24 * 3600)
# Seconds of clock skew tolerated on exp, nbf and iat.
JWT_LEEWAY = env_int("JWT_LEEWAY", 5)
JWT_COOKIE = env_bool("JWT_COOKIE", False)
# Seconds after a refresh token's rotation during which presenting it again is taken
# for two tabs renewing at once (refused, nothing else); later, for a stolen token:
# the whole sign-in ends (RFC 9700 section 4.14.2).
AUTHSITE_REFRESH_REUSE_GRACE = env_int("AUTHSITE_REFRESH_REUSE_GRACE", 5)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.api.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["accounts.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "accounts.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "accounts.api.schema.AutoSchema",
    "NUM_PROXIES": AUTHSITE_TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests allowed per client address, per endpoint ("N/second|minute|hour|day").
AUTHSITE_API_THROTTLE_RATES = {
    "register": os.environ.get("AUTHSITE_THROTTLE_REGISTER", "10/hour"),
    "token": os.environ.get("AUTHSITE_THROTTLE_TOKEN", "30/minute"),
    "refresh": os.environ.get("AUTHSITE_THROTTLE_REFRESH", "60/minute"),
    # Keys and codes sent to /api/auth/email/verify/: each verification ends after 5
    # wrong codes; this bounds one address trying codes for many.
    "email_verify": os.environ.get("AUTHSITE_THROTTLE_EMAIL_VERIFY", "30/hour"),
}

# SimpleJWT's own switches. The values above are its only configuration: the token
# classes (accounts.tokens.claims) read JWT_* at call time for keys, algorithm, issuer,
# audience, leeway and lifetimes, so they are not repeated here.
SIMPLE_JWT = {
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_TOKEN_CLASSES": ("accounts.tokens.claims.AccessToken",),
    "TOKEN_OBTAIN_SERIALIZER": "accounts.api.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "accounts.api.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "accounts.api.serializers.TokenVerifySerializer",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "authsite API",
    "DESCRIPTION": "Sign-up, JSON Web Tokens that can be revoked, and the signed-in user.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get schemas of their own, without the read-only fields: a client
    # may send them back (PATCH /api/me/ with the user it read), and they are ignored.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
