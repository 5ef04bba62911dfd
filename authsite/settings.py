"""authsite settings: one module, configured from the environment.

With no variables set it runs for development (DEBUG on, SQLite under var/, Redis on
127.0.0.1:6379). With DJANGO_DEBUG=0 it refuses to start without a real secret key and
allowed hosts. README lists every variable with its default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from authsite.env import env_bool, env_int, env_list, redis_url_with_db

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AUTHSITE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core -------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
]

MIDDLEWARE = [
    "accounts.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.ServiceUnavailableMiddleware",
    "accounts.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware (Django's documented place).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionUserMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    # Once the user is known: their language and theme, then the 405 page.
    "accounts.preferences.PreferencesMiddleware",
    "accounts.error_pages.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the lockout flag that the login view's authenticate() set.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "authsite.urls"
WSGI_APPLICATION = "authsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: the default cache and, in its own database, the session store ----------

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
REDIS_SESSIONS_URL = os.environ.get("REDIS_SESSIONS_URL") or redis_url_with_db(
    REDIS_URL, 1
)
REDIS_KEY_PREFIX = os.environ.get("AUTHSITE_REDIS_KEY_PREFIX", "authsite")
REDIS_TIMEOUT_SECONDS = float(os.environ.get("AUTHSITE_REDIS_TIMEOUT", "1.0"))

_REDIS_OPTIONS = {
    "CLIENT_CLASS": "django_redis.client.DefaultClient",
    "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
    "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
    # No IGNORE_EXCEPTIONS: a store that is down must show as a 503, never as a
    # silent sign-out or an unthrottled endpoint.
}
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
        "OPTIONS": _REDIS_OPTIONS,
    },
    "sessions": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_SESSIONS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
        "OPTIONS": _REDIS_OPTIONS,
    },
}

# --- Sessions ---------------------------------------------------------------------

SESSION_ENGINE = "accounts.sessions.backends.cache"
SESSION_CACHE_ALIAS = "sessions"
AUTHSITE_SESSION_IDLE_TIMEOUT = env_int("AUTHSITE_SESSION_IDLE_TIMEOUT", 7 * 24 * 3600)
AUTHSITE_SESSION_ABSOLUTE_TIMEOUT = env_int(
    "AUTHSITE_SESSION_ABSOLUTE_TIMEOUT", 30 * 24 * 3600
)
# How often the idle clock is written back to the store; reads in between cost nothing.
AUTHSITE_SESSION_TOUCH_INTERVAL = 60
# A remembered sign-in keeps its cookie as long as the server could keep the session.
SESSION_COOKIE_AGE = AUTHSITE_SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"

# --- Session strategies ------------------------------------------------------------

from accounts.sessions.base import StrategyContext  # noqa: E402
from accounts.sessions.registry import DEFAULT_STRATEGY, strategy_settings  # noqa: E402

AUTHSITE_SESSION_STRATEGY = (
    os.environ.get("AUTHSITE_SESSION_STRATEGY") or DEFAULT_STRATEGY
).strip()
SESSION_STRATEGY_CONTEXT = StrategyContext(
    redis_url=REDIS_URL,
    redis_sessions_url=REDIS_SESSIONS_URL,
    key_prefix=REDIS_KEY_PREFIX,
    redis_options=_REDIS_OPTIONS,
    secure_cookies=SESSION_COOKIE_SECURE,
    # Only what strategies read: never the whole environment (it holds secrets).
    env={
        name: value
        for name, value in os.environ.items()
        if name.startswith(("REDIS_", "MEMCACHED_", "AUTHSITE_REDIS_"))
    },
)
# SESSION_ENGINE, the `sessions` cache alias and whatever else the strategy needs.
_strategy_settings = strategy_settings(
    AUTHSITE_SESSION_STRATEGY, SESSION_STRATEGY_CONTEXT
)
CACHES = {**CACHES, **_strategy_settings.pop("CACHES", {})}
globals().update(_strategy_settings)
# A new sign-in beyond this many sessions ends the user's least recently used one.
AUTHSITE_MAX_SESSIONS_PER_USER = env_int("AUTHSITE_MAX_SESSIONS_PER_USER", 0) or None

# --- Authentication ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes decides before any other backend whether a (username, address) is
    # locked out.
    "accounts.lockout.LockoutBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3600

PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# OWASP Password Storage Cheat Sheet minimum for Argon2id.
AUTHSITE_ARGON2_MEMORY_KIB = env_int("AUTHSITE_ARGON2_MEMORY_KIB", 19 * 1024)
AUTHSITE_ARGON2_TIME_COST = env_int("AUTHSITE_ARGON2_TIME_COST", 2)
AUTHSITE_ARGON2_PARALLELISM = env_int("AUTHSITE_ARGON2_PARALLELISM", 1)
AUTHSITE_PASSWORD_MAX_LENGTH = 4096

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator"},
]

# --- HTTP security ----------------------------------------------------------------

# How many reverse proxies in front of the site append to X-Forwarded-For. 0: the client
# address is REMOTE_ADDR and X-Forwarded-For is ignored (it is the client's to forge).
# accounts.client_ip reads it for sessions, lockout and throttles.
AUTHSITE_TRUSTED_PROXY_COUNT = env_int("AUTHSITE_TRUSTED_PROXY_COUNT", 0)

# The site runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG
)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Bodies larger than this are refused before a view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

# --- Cookie names and flags --------------------------------------------------------

# OWASP ASVS 5.0 V3.3.1/V3.3.3: Secure cookies carry the __Host- prefix, which browsers
# accept only with Secure, Path=/ and no Domain. Plain names over plain HTTP (DEBUG).
# A strategy may name the cookie itself (jwt: the session cookie is the access token).
SESSION_COOKIE_NAME = _strategy_settings.get("SESSION_COOKIE_NAME") or (
    "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
)
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
# V3.3.4: no script of the site reads the CSRF cookie (forms carry the token).
CSRF_COOKIE_HTTPONLY = True
MESSAGE_STORAGE = "accounts.message_storage.CookieStorage"

# --- Content Security Policy -------------------------------------------------------

# ASVS 5.0 V3.4.3 (object-src and base-uri 'none', an allowlist) and V3.4.6
# (frame-ancestors). Everything the pages load comes from the site itself.
AUTHSITE_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# --- Email ------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "authsite <noreply@localhost>"
)

# --- Static files, i18n, logging --------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve the app's static files straight from their folders: no collectstatic step.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

TIME_ZONE = "UTC"
USE_TZ = True

# --- Languages --------------------------------------------------------------------

USE_I18N = True
LANGUAGE_CODE = "en"
# Each language named in itself: the switcher offers it to someone who reads it.
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A choice made with the switcher, for visitors who are not signed in (a signed-in
# user's choice is kept on the account). Same rules as the session cookie.
LANGUAGE_COOKIE_NAME = "__Host-language" if SESSION_COOKIE_SECURE else "language"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
CSRF_FAILURE_VIEW = "accounts.error_pages.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "authsite": {
            "handlers": ["console"],
            "level": os.environ.get("AUTHSITE_LOG_LEVEL", "INFO"),
        },
    },
}

# --- REST API and JSON Web Tokens --------------------------------------------------

JWT_ALGORITHM = os.environ.get("JWT_ALGORITHM", "HS256").strip().upper()
JWT_SIGNING_KEY = os.environ.get("JWT_SIGNING_KEY", "")
if not JWT_SIGNING_KEY and DEBUG:
    JWT_SIGNING_KEY = "django-insecure-jwt-development-key-do-not-use-in-production"
JWT_SIGNING_KEY_FILE = os.environ.get("JWT_SIGNING_KEY_FILE", "")
JWT_VERIFYING_KEY_FILES = env_list("JWT_VERIFYING_KEY_FILES")
JWT_ISSUER = os.environ.get("JWT_ISSUER", "authsite")
JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE", "authsite-api")
JWT_ACCESS_TOKEN_LIFETIME = env_int("JWT_ACCESS_TOKEN_LIFETIME", 5 * 60)
JWT_REFRESH_TOKEN_LIFETIME = env_int("JWT_REFRESH_TOKEN_LIFETIME", 14 * 24 * 3600)
# Seconds of clock skew tolerated on exp, nbf and iat.
JWT_LEEWAY = env_int("JWT_LEEWAY", 5)
JWT_COOKIE = env_bool("JWT_COOKIE", False)

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
}

# SimpleJWT reads these; the keys themselves come from accounts.api.keys (JWT_* above).
SIMPLE_JWT = {
    "ALGORITHM": JWT_ALGORITHM,
    "SIGNING_KEY": JWT_SIGNING_KEY or None,
    "ISSUER": JWT_ISSUER,
    "AUDIENCE": JWT_AUDIENCE,
    "LEEWAY": JWT_LEEWAY,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_TOKEN_CLASSES": ("accounts.api.tokens.AccessToken",),
    "TOKEN_OBTAIN_SERIALIZER": "accounts.api.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "accounts.api.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "accounts.api.serializers.TokenVerifySerializer",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "authsite API",
    "DESCRIPTION": "Sign-up, JSON Web Tokens that can be revoked, and the signed-in user.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# django-axes: failed sign-ins (form, API, admin) counted per (username, address) in
# Redis; a pair that fails AXES_FAILURE_LIMIT times is locked for the cool-off.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AUTHSITE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("AUTHSITE_LOGIN_COOLOFF", 15 * 60))
# The lock runs out a fixed time after it started: more tries do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.error_pages.lockout_page"
AXES_VERBOSE = False
# The cache handler keeps nothing in the database: no admin pages for empty tables.
AXES_ENABLE_ADMIN = False

# --- Signup form throttle ----------------------------------------------------------
# POSTs to the HTML signup form allowed per client address ("N/second|minute|hour|day",
# empty for no limit), counted in Redis: the form tells when an address is taken, and
# this keeps that from being asked at speed. Redis down: the form answers 503.
AUTHSITE_SIGNUP_FORM_RATE = os.environ.get("AUTHSITE_THROTTLE_SIGNUP_FORM", "20/hour")

# --- Scale-out lab: node name, bench-only API views --------------------------------
# Read last so that it sees the final MIDDLEWARE, INSTALLED_APPS and PASSWORD_HASHERS.

# Set by `manage.py scalelab` / `authbench` on each node it starts; empty otherwise.
AUTHSITE_NODE_NAME = os.environ.get("AUTHSITE_NODE_NAME", "")
if AUTHSITE_NODE_NAME:
    MIDDLEWARE = ["authsite.lab.middleware.ServedByMiddleware", *MIDDLEWARE]
# `authbench` only: /lab/bench/api/... views and DRF's TokenAuthentication as the peer.
AUTHSITE_LAB_BENCH = env_bool("AUTHSITE_LAB_BENCH", False)
if AUTHSITE_LAB_BENCH:
    INSTALLED_APPS = [
        *INSTALLED_APPS,
        *(
            app
            for app in ("rest_framework", "rest_framework.authtoken")
            if app not in INSTALLED_APPS
        ),
    ]
# `authbench`'s login_pbkdf2 node: Django's default hasher first, so that PBKDF2
# hashes are checked as they are and not upgraded to Argon2id at the first sign-in.
if os.environ.get("AUTHSITE_LAB_PASSWORD_HASHER") == "pbkdf2":
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *(h for h in PASSWORD_HASHERS if not h.endswith(".PBKDF2PasswordHasher")),
    ]
