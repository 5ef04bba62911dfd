"""Core settings: debug, secrets, hosts, apps, middleware, database, email, static files,
languages and logging."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from authsite.env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Where the site keeps its files (SQLite database, static files, keys, embedded Redis);
# authsite's AppConfig creates it at start-up.
VAR_DIR = Path(os.environ.get("AUTHSITE_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DJANGO_DEBUG", True)

# With DEBUG on and no DJANGO_SECRET_KEY, start-up (accounts.start_up) fills it in
# from VAR_DIR/secret_key, made once per checkout; with DEBUG off a weak key stops it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's own address, for links in emails: never the request's Host header, which
# the client writes (any allowed host, any port).
AUTHSITE_SITE_URL = os.environ.get(
    "AUTHSITE_SITE_URL", "http://localhost:8000" if DEBUG else ""
).rstrip("/")
if not DEBUG and not AUTHSITE_SITE_URL:
    raise ImproperlyConfigured(
        "AUTHSITE_SITE_URL is required when DJANGO_DEBUG is off."
    )

INSTALLED_APPS = [
    # The project itself, first: its ready() creates VAR_DIR and STATIC_ROOT. Then
    # accounts, whose ready() settles the keys (accounts.start_up) before another
    # app's ready() reads them.
    "authsite",
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
    # The scale-out lab's commands (scalelab, authbench). It adds no model, and its
    # middleware and URLs only on nodes started with AUTHSITE_NODE_NAME or
    # AUTHSITE_LAB_BENCH (authsite/settings/lab.py).
    "lab",
]

MIDDLEWARE = [
    "accounts.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.NoStoreMiddleware",
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
    # Once the user and messages are known: AUTHSITE_MFA_REQUIRED.
    "accounts.mfa.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the lockout flag that the login view's authenticate() set.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "authsite.urls"
WSGI_APPLICATION = "authsite.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.verification_views.verification_banner",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one writer in at a time. IMMEDIATE takes the write lock when a
    # transaction begins, so a second writer waits on the busy timeout instead of
    # failing when its read lock cannot be upgraded; WAL lets reads go on meanwhile.
    # Options given in DATABASE_URL (``?timeout=1``) win.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

# --- Email verification ------------------------------------------------------------
# "mandatory": signup does not sign in, and an account signs in only once its address
# is confirmed; "optional": signup signs in and a banner asks to confirm; "none": no
# message at signup. A new address on the profile is confirmed in every mode.
AUTHSITE_EMAIL_VERIFICATION = os.environ.get(
    "AUTHSITE_EMAIL_VERIFICATION", "mandatory"
).strip()
# Seconds a verification link and code stay valid (3 days).
AUTHSITE_EMAIL_VERIFICATION_TTL = env_int(
    "AUTHSITE_EMAIL_VERIFICATION_TTL", 3 * 24 * 3600
)

# --- Static files, i18n, logging --------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Serve the app's static files straight from their folders: no collectstatic step.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

TIME_ZONE = "UTC"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
# Each language named in itself: the switcher offers it to someone who reads it.
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]

LOGGING: dict[str, Any] = {
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
