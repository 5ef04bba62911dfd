"""Authentication, passwords, HTTP security headers, cookies, sign-in lockout and form
rate limits."""

import os
from datetime import timedelta

from authsite.env import env_bool, env_int
from authsite.settings.core import DEBUG

# --- Authentication ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes decides before any other backend whether a (username, address) is
    # locked out.
    "accounts.security.lockout.LockoutBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3600

PASSWORD_HASHERS = [
    "accounts.security.passwords.Argon2idPasswordHasher",
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
    {"NAME": "accounts.security.passwords.MaximumLengthValidator"},
]

# --- HTTP security ----------------------------------------------------------------

# How many reverse proxies in front of the site append to X-Forwarded-For. 0: the client
# address is REMOTE_ADDR and X-Forwarded-For is ignored (it is the client's to forge).
# accounts.security.client_ip reads it for sessions, lockout and throttles.
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

# --- CSRF and message cookies ------------------------------------------------------

CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
# __Host- as the session cookie (authsite.settings.sessions), plain over plain HTTP.
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
# V3.3.4: no script of the site reads the CSRF cookie (forms carry the token).
CSRF_COOKIE_HTTPONLY = True
# A form refused for its token gets a page that says what to do.
CSRF_FAILURE_VIEW = "accounts.error_pages.csrf_failure"
# The switcher's choice for visitors who are not signed in (a signed-in user's choice
# is kept on the account). Same rules as the CSRF cookie.
LANGUAGE_COOKIE_NAME = "__Host-language" if CSRF_COOKIE_SECURE else "language"
LANGUAGE_COOKIE_SECURE = CSRF_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
MESSAGE_STORAGE = "accounts.message_storage.CookieStorage"

# --- Content Security Policy -------------------------------------------------------

# ASVS 5.0 V3.4.3 (object-src and base-uri 'none', an allowlist) and V3.4.6
# (frame-ancestors). Everything the pages load comes from the site itself.
AUTHSITE_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# --- Sign-in lockout --------------------------------------------------------------

# django-axes: failed sign-ins (form, API, admin) counted in Redis per account (its
# username and email together; an unknown name by itself) and per (account, address,
# IPv6 by its /64); either that fails AXES_FAILURE_LIMIT times is locked for the
# cool-off. Per account: rotating addresses does not multiply the guesses.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AUTHSITE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("AUTHSITE_LOGIN_COOLOFF", 15 * 60))
# The lock runs out a fixed time after it started: more tries do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip.client_bucket"
AXES_USERNAME_CALLABLE = "accounts.security.lockout.lockout_username"
# The 429 page in the site's layout; JSON under /api/, the form on the sign-in page.
AXES_LOCKOUT_CALLABLE = "accounts.error_pages.lockout_page"
AXES_VERBOSE = False
# The cache handler keeps nothing in the database: no admin pages for empty tables.
AXES_ENABLE_ADMIN = False

# --- Signup form throttle ----------------------------------------------------------
# POSTs to the HTML signup form allowed per client address ("N/second|minute|hour|day",
# empty for no limit), counted in Redis: the form tells when an address is taken, and
# this keeps that from being asked at speed. Redis down: the form answers 503.
AUTHSITE_SIGNUP_FORM_RATE = os.environ.get("AUTHSITE_THROTTLE_SIGNUP_FORM", "20/hour")

# --- Sign-in and password reset throttles -----------------------------------------
# POSTs to the HTML and admin sign-in forms allowed per client address: the lockout
# counts per account, this counts one address trying many accounts.
AUTHSITE_LOGIN_FORM_RATE = os.environ.get("AUTHSITE_THROTTLE_LOGIN_FORM", "30/minute")
# Password reset requests per client address, and per target address (each request
# for an address with an account sends it a mail). Past either the answer is the same
# "mail sent" page, and no mail goes.
AUTHSITE_PASSWORD_RESET_RATE = os.environ.get(
    "AUTHSITE_THROTTLE_PASSWORD_RESET", "10/hour"
)
AUTHSITE_PASSWORD_RESET_ADDRESS_RATE = os.environ.get(
    "AUTHSITE_THROTTLE_PASSWORD_RESET_ADDRESS", "3/hour"
)

# Verification messages sent again (and "this address has an account" notices), per
# client address and, separately, per target address. Past either the answer is the
# same, and no mail goes.
AUTHSITE_EMAIL_VERIFICATION_RESEND_RATE = os.environ.get(
    "AUTHSITE_THROTTLE_EMAIL_VERIFICATION_RESEND", "5/hour"
)

# --- Re-authentication ------------------------------------------------------------
# Seconds after a sign-in's password (or second factor) was last checked during which
# it may change the password, end sessions or delete the account; later it is asked
# for the password again.
AUTHSITE_REAUTH_TIMEOUT = env_int("AUTHSITE_REAUTH_TIMEOUT", 300)

# --- Security emails --------------------------------------------------------------
# Tell users by email when their password, email address or sign-in methods change,
# when they sign in from a device not seen on the account before, are locked out, or
# delete their account (accounts/emails.py).
AUTHSITE_SECURITY_EMAILS = env_bool("AUTHSITE_SECURITY_EMAILS", True)

# --- Retention -------------------------------------------------------------------
# Days a sign-in event (the activity list, the admin's log) is kept; `manage.py
# cleanup` removes older ones.
AUTHSITE_SIGN_IN_EVENT_RETENTION_DAYS = env_int("AUTHSITE_SIGN_IN_EVENT_RETENTION", 365)

# --- Second factors ----------------------------------------------------------------
# Fernet keys (comma-separated; the first encrypts, every one decrypts, so a key can be
# rotated in) for the authenticator-app secrets at rest. Made in VAR_DIR when DEBUG is
# on and none is given; required when DEBUG is off (accounts.start_up).
AUTHSITE_MFA_KEY = os.environ.get("AUTHSITE_MFA_KEY", "")
# Who must have a second factor: "none", "staff" or "all". A covered user without one
# is sent to the second-factor page from every other page.
AUTHSITE_MFA_REQUIRED = os.environ.get("AUTHSITE_MFA_REQUIRED", "none")
# The name an authenticator app shows next to the account.
AUTHSITE_MFA_ISSUER = os.environ.get("AUTHSITE_MFA_ISSUER", "authsite")
