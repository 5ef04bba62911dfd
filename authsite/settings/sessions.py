"""Redis, the session strategy and the session cookie.

Redis is the default cache (throttles, lockout counters, the token records) and, in its
own database, the usual session store. AUTHSITE_SESSION_STRATEGY picks where sessions
live (``accounts.sessions.registry``); the strategy returns the settings it needs and
each is assigned below by name.
"""

import os
from typing import Any

from accounts.sessions.base import StrategyContext
from accounts.sessions.registry import DEFAULT_STRATEGY, strategy_settings
from authsite.env import env_int, redis_url_with_db
from authsite.settings.core import DEBUG

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

# --- Session timeouts and cookie flags ----------------------------------------------

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
# A new sign-in beyond this many sessions ends the user's least recently used one.
AUTHSITE_MAX_SESSIONS_PER_USER = env_int("AUTHSITE_MAX_SESSIONS_PER_USER", 0) or None

# --- Session strategy ---------------------------------------------------------------

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
_strategy = strategy_settings(AUTHSITE_SESSION_STRATEGY, SESSION_STRATEGY_CONTEXT)

SESSION_ENGINE = _strategy.session_engine
SESSION_CACHE_ALIAS = "sessions"
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
        "OPTIONS": _REDIS_OPTIONS,
    },
    # The strategy's store; a strategy that keeps no sessions in a cache leaves the
    # alias on Redis, where tools and tests still find it.
    "sessions": _strategy.sessions_cache
    or {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_SESSIONS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
        "OPTIONS": _REDIS_OPTIONS,
    },
}
# Replicas a session write waits for (redis-replicated, redis-sentinel; 0 otherwise).
AUTHSITE_REDIS_WAIT_REPLICAS = _strategy.redis_wait_replicas
AUTHSITE_REDIS_WAIT_MS = _strategy.redis_wait_ms
# OWASP ASVS 5.0 V3.3.1/V3.3.3: Secure cookies carry the __Host- prefix, which browsers
# accept only with Secure, Path=/ and no Domain. Plain names over plain HTTP (DEBUG).
# A strategy may name the cookie itself (jwt: the session cookie is the access token).
SESSION_COOKIE_NAME = _strategy.session_cookie_name or (
    "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
)
